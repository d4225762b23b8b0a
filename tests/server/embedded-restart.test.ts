/**
 * Embedded mode (no Redis): a run parked on an approval or a delay survives
 * a restart of `switchyard serve` — it is saved in the PGlite store and
 * picked up again by the next process on the same data folder.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../engine/server/serve';
import { scenarioDoc } from './harness';

const quiet = pino({ level: 'silent' });

async function api(service: RunningService, route: string, body?: unknown) {
  const res = await fetch(service.url + route, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('embedded mode keeps parked runs across a restart', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-embedded-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = () => startService({ port: 0, host: '127.0.0.1', dataDir, examplesDir: false, serveEditor: false, logger: quiet });

  it('an approval and a delay go on after serve is stopped and started again', async () => {
    let service = await start();
    const review = scenarioDoc('review-restart', {
      nodes: [
        { id: 'trigger', type: 'trigger.manual' },
        { id: 'ok', type: 'approval', config: { reviewers: ['planner'] } },
        { id: 'after', type: 'transform', config: { expression: '"approved by " & input.by' } },
      ],
      edges: [{ from: 'trigger', to: 'ok' }, { from: 'ok', to: 'after', fromHandle: 'approved' }],
    } as any);
    const wait = scenarioDoc('delay-restart', {
      nodes: [{ id: 'trigger', type: 'trigger.manual' }, { id: 'd', type: 'delay', config: { ms: 1500 } }, { id: 'after', type: 'transform', config: { expression: '"waited"' } }],
      edges: [{ from: 'trigger', to: 'd' }, { from: 'd', to: 'after' }],
    } as any);
    expect((await api(service, '/api/scenarios', review)).status).toBe(201);
    expect((await api(service, '/api/scenarios', wait)).status).toBe(201);
    const reviewRun = (await api(service, '/api/scenarios/review-restart/runs', {})).body.runId as string;
    const delayRun = (await api(service, '/api/scenarios/delay-restart/runs', {})).body.runId as string;
    await until(() => api(service, `/api/runs/${reviewRun}`), (r) => r.body.status === 'waiting');
    await until(() => api(service, `/api/runs/${delayRun}`), (r) => r.body.status === 'waiting');
    await service.close();

    service = await start();
    try {
      const delayed = await until(() => api(service, `/api/runs/${delayRun}`), (r) => r.body.status === 'succeeded');
      expect(delayed.body.status).toBe('succeeded');
      expect(delayed.body.output).toBe('waited');
      const decided = await api(service, `/api/runs/${reviewRun}/approvals/ok`, { decision: 'approved', by: 'planner' });
      expect(decided.status).toBe(200);
      const approved = await until(() => api(service, `/api/runs/${reviewRun}`), (r) => r.body.status === 'succeeded');
      expect(approved.body.output).toBe('approved by planner');
    } finally {
      await service.close();
    }
  });
});
