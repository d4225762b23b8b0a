/**
 * `engine.historyIsCurrent(runId)`, on BullMQ and in process: whether the
 * history holds a run as it stands, so that a reader (a run's overview) may
 * take it from there instead of restoring the run. False while a segment is
 * under way, true once it has checkpointed — waiting or finished — and the
 * history then reads as the live run does.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../../nodes';
import { Engine, MemoryScenarioSource } from '../../engine/runtime/engine';
import type { RunHistory, RunRecord } from '../../engine/runtime/types';
import { DRIVERS, scenario } from '../support/engine-harness';
import { startRedis, type TestRedis } from '../support/redis-server';

class MemoryHistory implements RunHistory {
  readonly runs = new Map<string, RunRecord>();
  async saveRun(run: RunRecord) {
    this.runs.set(run.id, structuredClone(run));
  }
  async getRun(runId: string) {
    return this.runs.get(runId);
  }
}

/** A service that holds each call until the test lets it answer. */
let service: http.Server;
let serviceUrl: string;
const held: Array<() => void> = [];
let calls = 0;

beforeAll(async () => {
  service = http.createServer((_req, res) => {
    calls++;
    held.push(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
  serviceUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const answer of held.splice(0)) answer();
  await new Promise((r) => service?.close(r));
});

const until = async (holds: () => Promise<boolean> | boolean, timeoutMs = 15_000) => {
  const end = Date.now() + timeoutMs;
  while (!(await holds())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe.each(DRIVERS)('whether the history is current (%s)', (driver) => {
  let redis: TestRedis | undefined;
  let engine: Engine;
  const history = new MemoryHistory();
  const doc = () =>
    scenario(
      'gate',
      [
        { id: 't', type: 'trigger.manual' },
        { id: 'call', type: 'http.request', config: { method: 'GET', url: `${serviceUrl}/check` } },
        { id: 'gate', type: 'approval', config: { reviewers: ['ada'] } },
        { id: 'done', type: 'transform', config: { expression: '{ "done": true }' } },
      ] as any,
      [{ from: 't', to: 'call' }, { from: 'call', to: 'gate' }, { from: 'gate', to: 'done', fromHandle: 'approved' }],
    );

  beforeAll(async () => {
    redis = driver === 'bullmq' ? await startRedis() : undefined;
    engine = await Engine.create({
      registry: await createRegistry(),
      scenarios: new MemoryScenarioSource([doc()]),
      history,
      redisUrl: redis?.url,
      queuePrefix: redis ? `{h${randomUUID().slice(0, 8)}}` : undefined,
      allowHosts: ['127.0.0.1'],
    });
    await engine.startWorker({ concurrency: 2 });
  });
  afterAll(async () => {
    await engine?.close();
    await redis?.close();
  });

  it('is false while a segment is under way, and true once the run waits or ends, as the history then reads', async () => {
    const before = calls;
    const runId = await engine.startRun({ scenarioId: 'gate', version: 1, input: { n: 1 } });
    // The call has begun and is held: the run is in the middle of its first segment.
    await until(() => calls > before);
    expect(await engine.historyIsCurrent(runId)).toBe(false);
    expect((await engine.getRun(runId))?.status).toBe('running');

    held.shift()!();
    await until(async () => (await engine.getRun(runId))?.status === 'waiting');
    expect(await engine.historyIsCurrent(runId)).toBe(true);
    expect(history.runs.get(runId)).toEqual(await engine.getRun(runId));

    await engine.decide(runId, 'gate', { decision: 'approved', by: 'ada' });
    await until(async () => (await engine.getRun(runId))?.status === 'succeeded');
    expect(await engine.historyIsCurrent(runId)).toBe(true);
    expect(history.runs.get(runId)?.steps.map((s) => s.nodeId)).toEqual(['t', 'call', 'gate', 'done']);
  });

  it('is true for a run it holds nothing of (the history answers for it), and false without a history', async () => {
    expect(await engine.historyIsCurrent('no-such-run')).toBe(true);
    const bare = await Engine.create({ registry: await createRegistry(), scenarios: new MemoryScenarioSource([doc()]), redisUrl: redis?.url, queuePrefix: redis ? `{b${randomUUID().slice(0, 8)}}` : undefined });
    try {
      expect(await bare.historyIsCurrent('no-such-run')).toBe(false);
    } finally {
      await bare.close();
    }
  });
});
