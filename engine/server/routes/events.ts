/**
 * Server-sent events: `GET /api/runs/:id/events` streams one run (a
 * `snapshot` of the record first — with `?steps=summary` the run's overview,
 * its steps without their bundles — then live events, closing after
 * `run.finished`); `GET /api/scenarios/:id/events` streams every run of a scenario.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { RunEvent } from '../../runtime/types';
import { FINAL_RUN_STATUSES } from '../../runtime/types';
import type { ServiceContext } from '../context';
import { ApiError, parseOr400 } from '../errors';
import { readRun, readRunOverview } from '../run-reads';

const snapshotQuery = z.object({ steps: z.enum(['full', 'summary']).optional() });

// Proxies close idle connections; a comment line every so often keeps the stream open.
const HEARTBEAT_MS = 15_000;

function openStream(ctx: ServiceContext, res: Response): { send: (event: string, data: unknown) => void; close: () => void; onClose: (fn: () => void) => void } {
  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  res.write('retry: 2000\n\n');
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    for (const fn of closers) fn();
    res.end();
  };
  const closers: Array<() => void> = [() => clearInterval(heartbeat), () => ctx.streams.delete(close)];
  ctx.streams.add(close);
  res.on('close', close);
  return {
    send: (event, data) => {
      if (!closed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    close,
    onClose: (fn) => closers.push(fn),
  };
}

/**
 * @example app.use('/api', eventsRouter(ctx));
 */
export function eventsRouter(ctx: ServiceContext): Router {
  const router = Router();

  router.get('/runs/:id/events', async (req, res) => {
    const runId = req.params.id;
    const { steps } = parseOr400(snapshotQuery, req.query, 'query');
    // Subscribe before reading the snapshot so no event falls between the two.
    const buffered: RunEvent[] = [];
    let stream: ReturnType<typeof openStream> | undefined;
    const deliver = (event: RunEvent) => {
      stream!.send(event.type, event);
      if (event.type === 'run.finished') stream!.close();
    };
    const unsubscribe = ctx.engine.events.subscribe((event) => {
      if (event.runId !== runId) return;
      if (stream) deliver(event);
      else buffered.push(event);
    });
    try {
      const run = steps === 'summary' ? await readRunOverview(ctx, runId) : await readRun(ctx, runId);
      stream = openStream(ctx, res);
      stream.onClose(unsubscribe);
      stream.send('snapshot', run);
      if (FINAL_RUN_STATUSES.has(run.status)) return stream.close();
      for (const event of buffered) deliver(event);
    } catch (error) {
      unsubscribe();
      throw error;
    }
  });

  router.get('/scenarios/:id/events', async (req, res) => {
    const scenarioId = req.params.id;
    if (!(await ctx.store.getScenario(scenarioId))) throw new ApiError(404, 'not_found', `Scenario "${scenarioId}" not found`);
    const stream = openStream(ctx, res);
    stream.onClose(
      ctx.engine.events.subscribe((event) => {
        if (event.scenarioId === scenarioId) stream.send(event.type, event);
      }),
    );
  });

  return router;
}
