/** `GET /api/health`: the store answers and the queue depth is readable. Open without a token, for load balancers. */
import { Router } from 'express';
import type { ServiceContext } from '../context';

/**
 * @example app.use('/api/health', healthRouter(ctx));
 */
export function healthRouter(ctx: ServiceContext): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const checks: Record<string, string> = {};
    let ok = true;
    try {
      await ctx.store.ping();
      checks.store = 'ok';
    } catch (error) {
      ok = false;
      checks.store = `unreachable: ${(error as Error).message}`;
    }
    let queueDepth: number | null = null;
    try {
      queueDepth = await ctx.engine.queueDepth();
      checks.queue = 'ok';
    } catch (error) {
      ok = false;
      checks.queue = `unreachable: ${(error as Error).message}`;
    }
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', store: ctx.store.kind, scheduler: ctx.scheduler?.kind ?? null, queueDepth, checks });
  });
  return router;
}
