/**
 * Durability on BullMQ with real processes: a worker killed with SIGKILL
 * mid-run, and a worker restarted during a delay. A local HTTP stand-in
 * counts each step's calls and Idempotency-Keys.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../../nodes';
import { Engine, MemoryScenarioSource } from '../../engine/runtime/engine';
import type { Scenario } from '../../engine/scenario/schema';
import { spawnTs, type Child } from '../support/child';
import { scenario } from '../support/engine-harness';
import { startRecordingServer, type RecordingServer } from '../support/recording-server';
import { startRedis, type TestRedis } from '../support/redis-server';

const WORKER = 'tests/support/worker-process.ts';

describe('durable runs on BullMQ across worker crashes', () => {
  let redis: TestRedis;
  let stand: RecordingServer;
  let dir: string;
  const children: Child[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    stand = await startRecordingServer();
    dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-durability-'));
  });
  afterAll(async () => {
    for (const child of children) await child.kill();
    await stand.close();
    await redis.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function setup(doc: Scenario, prefix: string) {
    const file = path.join(dir, `${doc.id}.json`);
    await writeFile(file, JSON.stringify(doc));
    // The test process only queues and reads runs; workers are separate processes.
    const client = await Engine.create({ registry: await createRegistry(), scenarios: new MemoryScenarioSource([doc]), redisUrl: redis.url, queuePrefix: prefix });
    const worker = async () => {
      const child = await spawnTs(WORKER, [redis.url, prefix, file], /ready/);
      children.push(child);
      return child;
    };
    return { client, worker };
  }

  async function until(predicate: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('condition not reached in time');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('a 10-step run survives SIGKILL of its worker: completed steps run once, the interrupted one at most twice', async () => {
    const steps = Array.from({ length: 10 }, (_, i) => `k${i + 1}`);
    for (const id of steps) stand.script(`/kill/${id}`, { delayMs: 120 });
    const doc = scenario(
      'ten-http-steps',
      [{ id: 't', type: 'trigger.manual' }, ...steps.map((id) => ({ id, type: 'http.request', config: { method: 'POST', url: `${stand.url}/kill/${id}`, body: 'input' } }))],
      steps.map((id, i) => ({ from: i === 0 ? 't' : steps[i - 1], to: id })),
    );
    const { client, worker } = await setup(doc, '{kill}');
    const first = await worker();
    const runId = await client.startRun({ scenarioId: doc.id, version: 1, input: { user: 'u1' } });
    await until(() => stand.requests.filter((r) => r.path.startsWith('/kill/')).length >= 4, 20_000);
    await first.kill('SIGKILL');
    await worker();
    const record = await client.waitForRun(runId, 30_000, { untilFinal: true });
    await client.close();

    expect(record!.status).toBe('succeeded');
    expect(record!.steps.filter((s) => s.nodeId.startsWith('k'))).toHaveLength(10);
    const counts = steps.map((id) => stand.requests.filter((r) => r.path === `/kill/${id}`));
    for (const calls of counts) {
      expect(calls.length).toBeGreaterThanOrEqual(1);
      expect(calls.length).toBeLessThanOrEqual(2);
      // A repeat carries the same key, so the receiving API can drop the duplicate.
      expect(new Set(calls.map((c) => c.idempotencyKey)).size).toBe(1);
    }
    expect(counts.filter((calls) => calls.length === 2).length).toBeLessThanOrEqual(1);
    expect(new Set(counts.map((calls) => calls[0].idempotencyKey)).size).toBe(10);
  });

  it('a 2-second delay fires exactly once when its worker is restarted during it', async () => {
    const doc = scenario(
      'delay-restart',
      [{ id: 't', type: 'trigger.manual' }, { id: 'wait', type: 'delay', config: { ms: 2000 } }, { id: 'after', type: 'http.request', config: { url: `${stand.url}/after-delay` } }],
      [{ from: 't', to: 'wait' }, { from: 'wait', to: 'after' }],
    );
    const { client, worker } = await setup(doc, '{delay}');
    const first = await worker();
    const runId = await client.startRun({ scenarioId: doc.id, version: 1, input: {} });
    const parked = await client.waitForRun(runId, 10_000, { settle: (r) => r.status === 'waiting' });
    expect(parked!.status).toBe('waiting');
    await first.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await worker();
    const record = await client.waitForRun(runId, 15_000, { untilFinal: true });
    await client.close();
    expect(record!.status).toBe('succeeded');
    expect(stand.countFor('/after-delay')).toBe(1);
    const wait = record!.steps.find((s) => s.nodeId === 'wait')!;
    expect(Date.parse(wait.finishedAt!) - Date.parse(wait.startedAt)).toBeGreaterThanOrEqual(1900);
  });
});
