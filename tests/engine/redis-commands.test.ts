/**
 * Commands to a run on BullMQ (cancel, decisions, resume) wait in its inbox in
 * Redis. The state store reads whether any wait together with the run's state
 * (`drivers/redis-state.ts`), so a segment that finds none takes nothing; a
 * command that arrives while the segment runs still reaches the run: the next
 * effectful step sees it and stops, and the run comes back for it. A run in its
 * first segment can be read and cancelled at all: its start comes from its job.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRunStateStore } from '../../engine/runtime/drivers/redis-state';
import type { Engine } from '../../engine/runtime/engine';
import { createHarness, scenario, type Harness } from '../support/engine-harness';

describe('run commands on BullMQ', () => {
  let harness: Harness;
  let slow: http.Server;
  let base = '';
  const calls: string[] = [];

  beforeAll(async () => {
    harness = await createHarness('bullmq');
    // An outside service that takes its time, so a command can arrive while a step runs.
    slow = http.createServer((req, res) => {
      calls.push(req.url ?? '');
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), 400);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await harness?.close();
    await new Promise((resolve) => slow?.close(resolve));
  });

  it('reads whether commands wait together with the state', async () => {
    const store = new RedisRunStateStore({ redisUrl: harness.redis!.url, prefix: `{c${randomUUID().slice(0, 8)}}` });
    try {
      expect(await store.load('nobody')).toEqual({ snapshot: undefined, events: [], commandsWaiting: false });
      await store.pushCommand('run-1', { type: 'cancel', at: '2026-11-23T00:00:00.000Z' });
      expect((await store.load('run-1'))?.commandsWaiting).toBe(true);
      expect(await store.takeCommands('run-1')).toEqual([{ type: 'cancel', at: '2026-11-23T00:00:00.000Z' }]);
      expect((await store.load('run-1'))?.commandsWaiting).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('cancels a run whose cancel arrives while a step is talking to the outside', async () => {
    const doc = scenario(
      'slow-calls',
      [
        { id: 't', type: 'trigger.manual' },
        { id: 'first', type: 'http.request', config: { method: 'GET', url: `${base}/first` } },
        { id: 'second', type: 'http.request', config: { method: 'GET', url: `${base}/second` } },
      ],
      [
        { from: 't', to: 'first' },
        { from: 'first', to: 'second' },
      ],
    );
    const engine: Engine = await harness.engine([doc]);
    const runId = await engine.startRun({ scenarioId: 'slow-calls', version: 1, input: {} });
    // The first call is out: the segment took its (empty) inbox long ago.
    for (let i = 0; i < 100 && !calls.includes('/first'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(calls).toContain('/first');
    // Before its first segment ends the run is readable: its start from the job, its steps from the log.
    const live = await engine.getRun(runId);
    expect(live?.status).toBe('running');
    expect(live?.steps.map((s) => [s.nodeId, s.status])).toEqual([['t', 'succeeded']]);
    const cancelled = await engine.cancel(runId);
    expect(cancelled?.status).toBe('cancelled');
    expect(calls).not.toContain('/second');
  });
});
