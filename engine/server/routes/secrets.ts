/**
 * `/api/secrets`: set (`PUT /:name` with `{ "value": "…" }`), list names, delete.
 * Values go in and never come out: there is no route that returns one.
 */
import { Router } from 'express';
import { z } from 'zod';
import { SECRET_NAME } from '../../secrets/vault';
import type { ServiceContext } from '../context';
import { ApiError, parseOr400 } from '../errors';

const secretBody = z.object({ value: z.string().min(1, 'A secret needs a value').max(65_536) });

/**
 * @example app.use('/api/secrets', secretsRouter(ctx));
 */
export function secretsRouter(ctx: ServiceContext): Router {
  const router = Router();
  const vault = () => {
    if (!ctx.vault) throw new ApiError(503, 'secrets_unavailable', 'Secrets are not configured on this server (no secret key)');
    return ctx.vault;
  };

  router.get('/', async (_req, res) => {
    res.json({ items: await vault().names() });
  });

  router.put('/:name', async (req, res) => {
    const { name } = req.params;
    if (!SECRET_NAME.test(name)) {
      throw new ApiError(400, 'invalid_request', `Secret name "${name}" is not usable in {{ secrets.NAME }}`, [
        { path: 'name', message: 'Start with a letter or _, then letters, digits and _ (at most 128)' },
      ]);
    }
    const { value } = parseOr400(secretBody, req.body, 'body');
    await vault().set(name, value);
    res.json({ name });
  });

  router.delete('/:name', async (req, res) => {
    if (!(await vault().delete(req.params.name))) throw new ApiError(404, 'not_found', `Secret "${req.params.name}" not found`);
    res.status(204).end();
  });

  return router;
}
