/**
 * Schedules: the overlap policies against the real engine; a one-second
 * interval firing once per tick across a restart of the embedded service;
 * and two BullMQ-mode servers sharing one Redis firing each tick once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../../nodes';
import { Engine } from '../../engine/runtime/engine';
import { FINAL_RUN_STATUSES, type RunEvent } from '../../engine/runtime/types';
import { createScheduler, ScheduleRunner, tickRunId, type ScheduledScenario } from '../../engine/schedule';
import { startService } from '../../engine/server/serve';
import { openStore, type Store } from '../../engine/store';
import { startRedis, type TestRedis } from '../support/redis-server';
import { scenarioDoc } from './harness';

const quiet = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function everySecond(id: string, extra: Record<string, unknown> = {}) {
  return scenarioDoc(id, {
    nodes: [
      { id: 'tick', type: 'trigger.schedule', config: { every: 1000, ...extra } },
      { id: 'stamp', type: 'transform', config: { expression: '{ "firedAt": input.firedAt }' } },
    ] as any,
    edges: [{ from: 'tick', to: 'stamp' }],
  });
}

/** Waits until every run of the heartbeat scenario in the store is final (the machine may be busy). */
async function settled(store: Store) {
  for (let i = 0; i < 100; i++) {
    const { items } = await store.listRuns({ scenarioId: 'heartbeat', limit: 100 });
    if (items.every((r) => FINAL_RUN_STATUSES.has(r.status))) return;
    await sleep(100);
  }
}

/** Ticks (multiples of 1000 ms) safely inside the windows, and every tick that could have fired at all. */
function expectedTicks(windows: Array<[number, number]>, margin = 250) {
  const sure = new Set<number>();
  const possible = new Set<number>();
  for (const [from, to] of windows) {
    for (let t = Math.ceil(from / 1000) * 1000; t <= to; t += 1000) {
      possible.add(t);
      if (t > from + margin && t < to - margin) sure.add(t);
    }
  }
  return { sure, possible };
}

describe('overlap policy', () => {
  let store: Store;
  let engine: Engine;
  beforeAll(async () => {
    store = await openStore({ memory: true });
    engine = await Engine.create({ registry: await createRegistry(), scenarios: store, history: store });
    await engine.startWorker();
    await store.saveScenario(
      scenarioDoc('held', {
        nodes: [{ id: 'tick', type: 'trigger.schedule', config: { every: 1000 } }, { id: 'gate', type: 'approval', config: { reviewers: ['ops'] } }] as any,
        edges: [{ from: 'tick', to: 'gate' }],
      }),
    );
  });
  afterAll(async () => {
    await engine?.close();
    await store?.close();
  });

  const entry = (overlap: 'skip' | 'buffer' | 'allow'): ScheduledScenario => ({ scenarioId: 'held', version: 1, schedule: { every: 1000, timezone: 'UTC', overlap } });
  const approve = async (runId: string) => {
    await engine.waitForRun(runId, 10_000);
    await engine.decide(runId, 'gate', { decision: 'approved', by: 'ops' });
    return engine.waitForRun(runId, 10_000, { untilFinal: true });
  };

  it('skip drops ticks while the previous run is in flight', async () => {
    const runner = new ScheduleRunner(engine);
    const first = await runner.fire(entry('skip'), 1_000_000);
    expect(first).toEqual({ started: tickRunId('held', 1_000_000) });
    await engine.waitForRun(tickRunId('held', 1_000_000), 10_000);
    expect(await runner.fire(entry('skip'), 1_001_000)).toEqual({ skipped: tickRunId('held', 1_000_000) });
    await approve(tickRunId('held', 1_000_000));
    expect(await runner.fire(entry('skip'), 1_002_000)).toEqual({ started: tickRunId('held', 1_002_000) });
    await approve(tickRunId('held', 1_002_000));
    runner.close();
  });

  it('a second server finds the previous tick\'s run by its id and skips too', async () => {
    const a = new ScheduleRunner(engine);
    const b = new ScheduleRunner(engine);
    await a.fire(entry('skip'), 2_000_000);
    await engine.waitForRun(tickRunId('held', 2_000_000), 10_000);
    expect(await b.fire(entry('skip'), 2_001_000)).toEqual({ skipped: tickRunId('held', 2_000_000) });
    await approve(tickRunId('held', 2_000_000));
    a.close();
    b.close();
  });

  it('buffer keeps ticks and starts the next one when the run in flight finishes', async () => {
    const runner = new ScheduleRunner(engine);
    const seen: RunEvent[] = [];
    const stop = engine.events.subscribe((e) => e.type === 'run.started' && seen.push(e));
    await runner.fire(entry('buffer'), 3_000_000);
    await engine.waitForRun(tickRunId('held', 3_000_000), 10_000);
    expect(await runner.fire(entry('buffer'), 3_001_000)).toEqual({ buffered: 1 });
    expect(await engine.getRun(tickRunId('held', 3_001_000))).toBeUndefined();
    await approve(tickRunId('held', 3_000_000));
    const next = await engine.waitForRun(tickRunId('held', 3_001_000), 10_000);
    expect(next?.status).toBe('waiting');
    await approve(tickRunId('held', 3_001_000));
    expect(seen.map((e) => e.runId)).toEqual([tickRunId('held', 3_000_000), tickRunId('held', 3_001_000)]);
    stop();
    runner.close();
  });

  it('allow starts every tick', async () => {
    const runner = new ScheduleRunner(engine);
    await runner.fire(entry('allow'), 4_000_000);
    expect(await runner.fire(entry('allow'), 4_001_000)).toEqual({ started: tickRunId('held', 4_001_000) });
    await approve(tickRunId('held', 4_000_000));
    await approve(tickRunId('held', 4_001_000));
    runner.close();
  });
});

describe('embedded schedules across a restart', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-serve-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('fires a one-second interval once per tick while up, and again after restart from the store', async () => {
    const options = { port: 0, host: '127.0.0.1', dataDir, serveEditor: false, examplesDir: false as const, logger: quiet, apiToken: '' };
    const windows: Array<[number, number]> = [];

    let service = await startService(options);
    const create = await fetch(`${service.url}/api/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(everySecond('heartbeat')) });
    expect(create.status).toBe(201);
    const publishStarted = Date.now();
    expect((await fetch(`${service.url}/api/scenarios/heartbeat/publish`, { method: 'POST' })).status).toBe(200);
    const publishedAt = Date.now();
    await sleep(2600);
    await service.scheduler.close();
    const firstClosedAt = Date.now();
    windows.push([publishedAt, firstClosedAt]);
    await settled(service.store);
    await service.close();

    await sleep(1200); // a tick passes while no server runs: it must not fire later
    const restarting = Date.now();
    service = await startService(options);
    const restartedAt = Date.now();
    await sleep(2600);
    await service.scheduler.close();
    const secondClosedAt = Date.now();
    windows.push([restartedAt, secondClosedAt]);
    await settled(service.store);
    const runs = (await service.store.listRuns({ scenarioId: 'heartbeat', limit: 100 })).items;
    await service.close();

    const ticks = runs.map((r) => Number(r.id.split('-')[1]));
    // Ticks between the start of a call and its answer may or may not fire; only those count as "possible".
    const { sure } = expectedTicks(windows);
    const { possible } = expectedTicks([[publishStarted, firstClosedAt], [restarting, secondClosedAt]], 0);
    expect(new Set(ticks).size).toBe(ticks.length);
    for (const tick of sure) expect(ticks).toContain(tick);
    for (const tick of ticks) expect(possible.has(tick)).toBe(true);
    expect(runs.map((r) => `${r.trigger}:${r.status}`)).toEqual(runs.map(() => 'schedule:succeeded'));
    expect(sure.size).toBeGreaterThanOrEqual(3);
  });
});

describe('BullMQ schedules with two servers', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.close();
  });

  it('fires each tick once however many servers register the schedule', async () => {
    const store = await openStore({ memory: true });
    const registry = await createRegistry();
    const stored = await store.saveScenario(everySecond('shared') as any);
    await store.publish(stored.id, 1);
    const published = await store.listPublished();

    const servers = await Promise.all(
      [1, 2].map(async () => {
        const engine = await Engine.create({ registry, scenarios: store, history: store, redisUrl: redis.url, queuePrefix: '{sched-test}' });
        await engine.startWorker({ concurrency: 2 });
        const scheduler = createScheduler({ engine, redisUrl: redis.url, queuePrefix: '{sched-test}', logger: quiet });
        return { engine, scheduler };
      }),
    );
    const started: string[] = [];
    const stop = servers[0].engine.events.subscribe((e) => e.type === 'run.started' && started.push(e.runId));
    const from = Date.now();
    // Both servers restore the same published schedule at start-up.
    await Promise.all(servers.map((s) => s.scheduler.sync(published)));
    await sleep(3600);
    const to = Date.now();
    for (const s of servers) await s.scheduler.close();
    await sleep(500);
    stop();
    const runs = (await store.listRuns({ scenarioId: 'shared', limit: 100 })).items;
    for (const s of servers) await s.engine.close();
    await store.close();

    expect(new Set(started).size).toBe(started.length);
    // BullMQ counts an interval from when the scheduler was created: ticks are exactly `every` apart, none twice, none missed.
    const ticks = runs.map((r) => Number(r.id.split('-')[1])).sort((a, b) => a - b);
    expect(ticks.slice(1).map((t, i) => t - ticks[i])).toEqual(Array(ticks.length - 1).fill(1000));
    expect(ticks.length).toBeGreaterThanOrEqual(Math.floor((to - from) / 1000) - 1);
    expect(ticks.length).toBeLessThanOrEqual(Math.ceil((to - from) / 1000) + 1);
  });
});
