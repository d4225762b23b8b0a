/**
 * The BullMQ dashboard (`@bull-board`) at `/admin/queues`, over the run
 * queue and the schedule queue. Only in BullMQ mode: embedded mode has no
 * Redis queues to show.
 */
import type { Queue } from 'bullmq';
import type { Router } from 'express';

export const DASHBOARD_PATH = '/admin/queues';

/**
 * @example const router = await dashboardRouter([...engine.queues(), scheduler.queue]);
 */
export async function dashboardRouter(queues: Queue[]): Promise<Router> {
  const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/express'),
  ]);
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q)),
    // @bull-board/express pins its own @bull-board/api patch version; the adapter is duck-typed, so the copies interoperate.
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'Switchyard queues' } },
  });
  return serverAdapter.getRouter() as Router;
}
