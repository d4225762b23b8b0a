/** `GET /api/node-types`: every registered node type with the JSON Schema of its config, for the editor's forms. */
import { Router } from 'express';
import type { ServiceContext } from '../context';

/**
 * @example app.use('/api/node-types', nodeTypesRouter(ctx));
 */
export function nodeTypesRouter(ctx: ServiceContext): Router {
  const router = Router();
  // The registry is fixed once the process has started, so describe it once.
  let described: unknown;
  router.get('/', (_req, res) => {
    described ??= { items: ctx.registry.describe() };
    res.json(described);
  });
  return router;
}
