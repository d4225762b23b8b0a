/**
 * With a history store, a final run leaves its live state only a small
 * marker — in Redis (`drivers/redis-state.ts`) and in embedded mode's memory
 * (`drivers/memory-state.ts`): the run reads back whole from the history, the
 * marker expires, and a job for that run delivered again does not start it
 * over.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../../nodes';
import { Engine, MemoryScenarioSource } from '../../engine/runtime/engine';
import { BullmqQueueDriver } from '../../engine/runtime/drivers/bullmq-queue';
import { FINISHED } from '../../engine/runtime/drivers/redis-state';
import type { RunStateStore } from '../../engine/runtime/run-state-store';
import type { RunHistory, RunRecord } from '../../engine/runtime/types';
import { scenario } from '../support/engine-harness';
import { startRedis, type TestRedis } from '../support/redis-server';

/** A history in memory that counts how often each run was written. */
class CountingHistory implements RunHistory {
  readonly runs = new Map<string, RunRecord>();
  readonly saves = new Map<string, number>();
  async saveRun(run: RunRecord) {
    this.runs.set(run.id, structuredClone(run));
    this.saves.set(run.id, (this.saves.get(run.id) ?? 0) + 1);
  }
  async getRun(runId: string) {
    return this.runs.get(runId);
  }
}

const doc = scenario(
  'marker',
  [
    { id: 't', type: 'trigger.manual' },
    { id: 'a', type: 'transform', config: { expression: '{ "doubled": input.n * 2 }' } },
  ],
  [{ from: 't', to: 'a' }],
);

describe('a final run on BullMQ with a history store', () => {
  let redis: TestRedis;
  let client: Redis;
  let engine: Engine;
  const history = new CountingHistory();
  const prefix = `{m${randomUUID().slice(0, 8)}}`;

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
    engine = await Engine.create({ registry: await createRegistry(), scenarios: new MemoryScenarioSource([doc]), redisUrl: redis.url, queuePrefix: prefix, history });
    // One at a time: when a later run is final, every job queued before it has been processed.
    await engine.startWorker({ concurrency: 1 });
  });
  afterAll(async () => {
    await engine?.close();
    client?.disconnect();
    await redis?.close();
  });

  it('leaves a marker that expires, and reads back whole from the history', async () => {
    const runId = await engine.startRun({ scenarioId: 'marker', version: 1, input: { n: 21 } });
    const run = await engine.waitForRun(runId, 10_000, { untilFinal: true });
    expect(run?.status).toBe('succeeded');
    expect(run?.output).toEqual({ doubled: 42 });
    expect(run?.steps.map((s) => s.nodeId)).toEqual(['t', 'a']);

    expect(await client.get(`${prefix}:run:${runId}`)).toBe(FINISHED);
    const ttl = await client.pttl(`${prefix}:run:${runId}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10_000);
    expect(await client.exists(`${prefix}:run:${runId}:log`)).toBe(0);
    expect(await engine.getRun(runId)).toEqual(run);
  });

  it('does not start a finished run over when its first job is delivered again', async () => {
    const runId = await engine.startRun({ scenarioId: 'marker', version: 1, input: { n: 1 } });
    expect((await engine.waitForRun(runId, 10_000, { untilFinal: true }))?.output).toEqual({ doubled: 2 });
    // The same run's creating job again (as after a worker died before BullMQ marked it complete).
    await engine.startRun({ runId, scenarioId: 'marker', version: 1, input: { n: 500 } });
    const later = await engine.startRun({ scenarioId: 'marker', version: 1, input: { n: 2 } });
    expect((await engine.waitForRun(later, 10_000, { untilFinal: true }))?.status).toBe('succeeded');

    expect(history.saves.get(runId)).toBe(1);
    // Completed and gone, not failed and waiting to be retried.
    expect(await (engine.driver as BullmqQueueDriver).queue.getJob(runId)).toBeUndefined();
    expect((await engine.getRun(runId))?.output).toEqual({ doubled: 2 });
  });

  it('drops a command that reached the run as it finished, instead of queueing the run again and again', async () => {
    const runId = await engine.startRun({ scenarioId: 'marker', version: 1, input: { n: 3 } });
    expect((await engine.waitForRun(runId, 10_000, { untilFinal: true }))?.status).toBe('succeeded');
    // What `cancel` does for a running run, when the run's last step finishes in between.
    await commandTooLate(engine, runId);

    await expect.poll(() => client.exists(`${prefix}:run:${runId}:inbox`), { timeout: 5000 }).toBe(0);
    await expect.poll(async () => (await (engine.driver as BullmqQueueDriver).queue.getJob(runId)) === undefined, { timeout: 5000 }).toBe(true);
    // The worker has gone quiet: no job for the run is taken any more.
    const scripts = async () => Number((await client.info('commandstats')).match(/cmdstat_evalsha:calls=(\d+)/)?.[1] ?? 0);
    const before = await scripts();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await scripts()) - before).toBeLessThan(10);
    expect((await engine.getRun(runId))?.status).toBe('succeeded');
    expect(history.saves.get(runId)).toBe(1);
  });
});

describe('a final run in embedded mode with a history store', () => {
  let engine: Engine;
  const history = new CountingHistory();

  beforeAll(async () => {
    engine = await Engine.create({ registry: await createRegistry(), scenarios: new MemoryScenarioSource([doc]), history });
    await engine.startWorker({ concurrency: 1 });
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('keeps only the marker in memory: reads come from the history, and the run is not started over', async () => {
    const runId = await engine.startRun({ scenarioId: 'marker', version: 1, input: { n: 4 } });
    expect((await engine.waitForRun(runId, 10_000, { untilFinal: true }))?.output).toEqual({ doubled: 8 });
    // What the engine keeps of the run itself (its state store is not public).
    const state = (engine as unknown as { state: RunStateStore }).state;
    expect((await state.load(runId))?.snapshot).toEqual({ finished: true });
    expect(await engine.getRun(runId)).toEqual(history.runs.get(runId));

    await engine.startRun({ runId, scenarioId: 'marker', version: 1, input: { n: 500 } });
    const later = await engine.startRun({ scenarioId: 'marker', version: 1, input: { n: 2 } });
    expect((await engine.waitForRun(later, 10_000, { untilFinal: true }))?.status).toBe('succeeded');
    expect(history.saves.get(runId)).toBe(1);
    expect((await engine.getRun(runId))?.output).toEqual({ doubled: 8 });
  });
  // The same race in embedded mode is tested against `switchyard serve` in its own process
  // (tests/server/cancel-race.test.ts): before the fix it froze the process's event loop.
});

/**
 * Leaves a cancel in a finished run's inbox and queues the run, as `cancel` does when it found the run still
 * running and the run finished before the command was taken.
 */
async function commandTooLate(engine: Engine, runId: string): Promise<void> {
  const state = (engine as unknown as { state: RunStateStore }).state;
  await state.pushCommand(runId, { type: 'cancel', at: new Date().toISOString() });
  await engine.driver.enqueue({ runId }, { wake: true });
}
