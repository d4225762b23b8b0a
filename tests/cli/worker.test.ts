/**
 * `switchyard worker` and `serve` in BullMQ mode: refused without a shared
 * PostgreSQL, and a worker that cannot run a job says so in its log.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../../nodes';
import { Engine, MemoryScenarioSource } from '../../engine/runtime/engine';
import { segmentFailureLogger } from '../../engine/runtime/segment-failure-log';
import { spawnTs, type Child } from '../support/child';
import { startPostgres, type TestPostgres } from '../support/postgres-server';
import { startRedis, type TestRedis } from '../support/redis-server';
import { STACK_FRAME, switchyard } from './switchyard';

const SHARED_STORE = 'BullMQ mode (REDIS_URL) needs a PostgreSQL database shared by the server and every worker: set DATABASE_URL.';

describe('BullMQ mode without DATABASE_URL', () => {
  // Nothing listens there: the refusal must come before any connection is tried.
  const env = { REDIS_URL: 'redis://127.0.0.1:1', DATABASE_URL: '', SWITCHYARD_SERVE_WORKER: '' };

  it('worker and serve refuse to start, saying BullMQ mode needs a shared PostgreSQL', async () => {
    const [worker, serve] = await Promise.all([switchyard(['worker'], env), switchyard(['serve', '--port', '0'], env)]);
    expect(worker.code).toBe(2);
    expect(worker.stderr).toContain(`switchyard worker: ${SHARED_STORE}`);
    expect(worker.stderr).toContain('its own PGlite database, which no other process can read');
    expect(serve.code).toBe(2);
    expect(serve.stderr).toContain(`switchyard serve: ${SHARED_STORE}`);
    expect(serve.stderr).toContain('SWITCHYARD_SERVE_WORKER=1');
    for (const result of [worker, serve]) expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(worker.stderr + serve.stderr).not.toMatch(STACK_FRAME);
  }, 300_000);
});

describe('a worker whose jobs fail on infrastructure', () => {
  let redis: TestRedis;
  let postgres: TestPostgres;
  let dir: string;
  let worker: Child | undefined;
  beforeAll(async () => {
    [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
    dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-worker-'));
  });
  afterAll(async () => {
    await worker?.kill('SIGKILL');
    await Promise.all([redis?.close(), postgres?.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('logs the run id and the reason, once per interval however many fail', async () => {
    const prefix = '{cli-worker}';
    worker = await spawnTs('bin/switchyard.js', ['worker', '--concurrency', '4'], /worker is taking runs/, {
      REDIS_URL: redis.url,
      DATABASE_URL: postgres.url,
      SWITCHYARD_QUEUE_PREFIX: prefix,
      SWITCHYARD_DATA_DIR: dir,
      SWITCHYARD_SECRET_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'info',
    });
    // Runs queued by a process whose scenarios the worker's database does not hold: every segment throws.
    const hello = {
      format: 'switchyard/scenario@1' as const,
      id: 'hello',
      name: 'Hello',
      nodes: [{ id: 't', type: 'trigger.manual' }],
      edges: [],
    };
    const client = await Engine.create({ registry: await createRegistry(), scenarios: new MemoryScenarioSource([hello as any]), redisUrl: redis.url, queuePrefix: prefix });
    const runIds: string[] = [];
    try {
      for (let i = 0; i < 5; i++) runIds.push(await client.startRun({ scenarioId: 'hello', version: 1, input: {} }));
    } finally {
      await client.close();
    }
    const failures = () =>
      worker!
        .output()
        .split('\n')
        .filter((line) => line.includes('run segment failed'))
        .map((line) => JSON.parse(line));
    await expect.poll(() => failures().length, { timeout: 30_000 }).toBeGreaterThan(0);
    // Five jobs failed, and retried after a second: still one line in the first ten seconds.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const logged = failures();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 50, reason: 'Scenario hello version 1 not found', suppressed: 0, msg: 'run segment failed; the queue will retry it' });
    expect(runIds).toContain(logged[0].runId);
  }, 300_000);
});

describe('segmentFailureLogger', () => {
  it('writes at most one line per interval, the next counting those left out', () => {
    const lines: Array<{ obj: any; msg?: string }> = [];
    const log = (obj: object, msg?: string) => void lines.push({ obj, msg });
    let now = 0;
    const logFailure = segmentFailureLogger({ debug: log, info: log, warn: log, error: log }, { intervalMs: 10_000, now: () => now });
    logFailure('r1', new Error('Redis is down'));
    for (let i = 2; i <= 50; i++) {
      now += 100;
      logFailure(`r${i}`, new Error('Redis is down'));
    }
    now = 10_000;
    logFailure('r51', 'store unreachable');
    expect(lines.map((l) => l.obj)).toEqual([
      { runId: 'r1', reason: 'Redis is down', suppressed: 0 },
      { runId: 'r51', reason: 'store unreachable', suppressed: 49 },
    ]);
  });
});
