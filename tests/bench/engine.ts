/**
 * Engine benchmark (issue 2): a 12-step scenario of transform and router
 * nodes, run on the in-process driver and on BullMQ, side by side with raw
 * BullMQ jobs that do nothing — the queue's own ceiling on this machine.
 * Reports runs/s, per-step engine overhead (p50/p99 of run latency / steps)
 * and the ratio of BullMQ throughput to the raw ceiling per step.
 */
import { Queue, Worker } from 'bullmq';
import { createRegistry } from '../../nodes';
import { Engine, MemoryScenarioSource } from '../../engine/runtime/engine';
import { redisConnection } from '../../engine/runtime/drivers/bullmq-queue';
import type { Scenario } from '../../engine/scenario/schema';
import { startRedis } from '../support/redis-server';
import { quantile } from './stats';

export const TWELVE_STEPS: Scenario = {
  format: 'switchyard/scenario@1',
  id: 'bench-12',
  name: 'Twelve transform and router steps',
  nodes: [
    { id: 't', type: 'trigger.manual' },
    { id: 'parse', type: 'transform', config: { expression: '{ "userId": input.userId, "type": input.type, "score": input.score }' } },
    { id: 'type', type: 'router', config: { subject: 'input.type' } },
    { id: 'page', type: 'transform', config: { expression: '$merge([input, { "weight": 1 }])' } },
    { id: 'buy', type: 'transform', config: { expression: '$merge([input, { "weight": 3 }])' } },
    { id: 'score', type: 'transform', config: { expression: '$merge([input, { "confidence": input.score * input.weight / 3 }])' } },
    { id: 'conf', type: 'router', config: { subject: 'input.confidence' } },
    { id: 'pers', type: 'transform', config: { expression: '$merge([input, { "content": "personalized" }])' } },
    { id: 'def', type: 'transform', config: { expression: '$merge([input, { "content": "default" }])' } },
    { id: 'select', type: 'transform', config: { expression: '{ "userId": input.userId, "content": input.content }' } },
    { id: 'profile', type: 'transform', config: { expression: '{ "attributes": [{ "external_id": input.userId, "content": input.content }] }' } },
    { id: 'channel', type: 'router', config: { subject: 'input.attributes[0].content' } },
    { id: 'email', type: 'transform', config: { expression: '{ "sent": "email" }' } },
    { id: 'push', type: 'transform', config: { expression: '{ "sent": "push" }' } },
    { id: 'end', type: 'end' },
  ],
  edges: [
    { from: 't', to: 'parse' },
    { from: 'parse', to: 'type' },
    { from: 'type', to: 'page', label: 'page' },
    { from: 'type', to: 'buy', label: 'else' },
    { from: 'page', to: 'score' },
    { from: 'buy', to: 'score' },
    { from: 'score', to: 'conf' },
    { from: 'conf', to: 'pers', label: '> 0.7' },
    { from: 'conf', to: 'def', label: 'else' },
    { from: 'pers', to: 'select' },
    { from: 'def', to: 'select' },
    { from: 'select', to: 'profile' },
    { from: 'profile', to: 'channel' },
    { from: 'channel', to: 'email', label: 'personalized' },
    { from: 'channel', to: 'push', label: 'else' },
    { from: 'email', to: 'end' },
    { from: 'push', to: 'end' },
  ],
} as Scenario;

/** Every run takes 12 steps: t, parse, type, page|buy, score, conf, pers|def, select, profile, channel, email|push, end. */
const input = (i: number) => ({ userId: `u${i}`, type: i % 2 ? 'page' : 'track', score: (i % 10) / 10 });

export interface EngineBenchResult {
  driver: string;
  runs: number;
  runsPerSecond: number;
  stepsPerRun: number;
  stepOverheadP50Us: number;
  stepOverheadP99Us: number;
}

async function measure(engine: Engine, runs: number, concurrency: number, label: string): Promise<EngineBenchResult> {
  const latencies: number[] = [];
  let stepsPerRun = 0;
  // Latency: one run at a time, so the number is the engine's own cost per step.
  for (let i = 0; i < Math.min(200, runs); i++) {
    const started = performance.now();
    const id = await engine.startRun({ scenarioId: TWELVE_STEPS.id, version: 1, input: input(i) });
    const record = await finished(engine, id);
    latencies.push(performance.now() - started);
    stepsPerRun = record;
  }
  // Throughput: `concurrency` runs in flight at a time.
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < runs) {
        const i = next++;
        await finished(engine, await engine.startRun({ scenarioId: TWELVE_STEPS.id, version: 1, input: input(i) }));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const perStep = latencies.map((ms) => (ms * 1000) / stepsPerRun);
  return { driver: label, runs, runsPerSecond: runs / seconds, stepsPerRun, stepOverheadP50Us: quantile(perStep, 0.5), stepOverheadP99Us: quantile(perStep, 0.99) };
}

const waiters = new WeakMap<Engine, Map<string, (steps: number) => void>>();
function finished(engine: Engine, runId: string): Promise<number> {
  let map = waiters.get(engine);
  if (!map) {
    const created = new Map<string, (steps: number) => void>();
    waiters.set(engine, created);
    map = created;
    const counts = new Map<string, number>();
    engine.events.subscribe((event) => {
      if (event.type === 'step.finished') counts.set(event.runId, (counts.get(event.runId) ?? 0) + 1);
      if (event.type === 'run.finished') {
        created.get(event.runId)?.(counts.get(event.runId) ?? 0);
        created.delete(event.runId);
        counts.delete(event.runId);
      }
    });
  }
  return new Promise((resolve) => map!.set(runId, resolve));
}

/** Raw BullMQ: jobs that do nothing, same concurrency — the ceiling of the queue itself. */
async function rawCeiling(redisUrl: string, jobs: number, concurrency: number): Promise<number> {
  const queueConnection = redisConnection(redisUrl);
  const workerConnection = redisConnection(redisUrl);
  const queue = new Queue('raw-ceiling', { connection: queueConnection, defaultJobOptions: { removeOnComplete: true } });
  let done = 0;
  let resolve!: () => void;
  const all = new Promise<void>((r) => (resolve = r));
  const worker = new Worker('raw-ceiling', async () => undefined, { connection: workerConnection, concurrency });
  worker.on('completed', () => {
    if (++done === jobs) resolve();
  });
  await worker.waitUntilReady();
  const started = performance.now();
  let next = 0;
  // Same shape as the engine test: `concurrency` producers, each adding the next job when one completes is too strict;
  // add in batches so the queue is never empty.
  while (next < jobs) {
    const batch = Math.min(100, jobs - next);
    await queue.addBulk(Array.from({ length: batch }, (_, i) => ({ name: 'noop', data: { i: next + i } })));
    next += batch;
  }
  await all;
  const perSecond = jobs / ((performance.now() - started) / 1000);
  await worker.close();
  await queue.close();
  // BullMQ leaves connections it was handed open; left alone they would try to reconnect to the closed server.
  queueConnection.disconnect();
  workerConnection.disconnect();
  return perSecond;
}

/**
 * @example const results = await benchEngine({ runs: 2000 });
 */
export async function benchEngine(options: { runs?: number; concurrency?: number } = {}) {
  const runs = options.runs ?? 2000;
  const concurrency = options.concurrency ?? 32;
  const registry = await createRegistry();
  const redis = await startRedis();
  try {
    const memory = await Engine.create({ registry, scenarios: new MemoryScenarioSource([TWELVE_STEPS]) });
    await memory.startWorker({ concurrency });
    const embedded = await measure(memory, runs, concurrency, 'embedded (in-process)');
    await memory.close();

    const bull = await Engine.create({ registry, scenarios: new MemoryScenarioSource([TWELVE_STEPS]), redisUrl: redis.url });
    await bull.startWorker({ concurrency });
    const queued = await measure(bull, runs, concurrency, 'BullMQ (1 worker in process)');
    await bull.close();

    const raw = await rawCeiling(redis.url, runs * 2, concurrency);
    return { embedded, queued, rawJobsPerSecond: raw, ceilingRunsPerSecond: raw / queued.stepsPerRun, ratio: queued.runsPerSecond / (raw / queued.stepsPerRun) };
  } finally {
    await redis.close();
  }
}
