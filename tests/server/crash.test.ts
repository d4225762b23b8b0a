/**
 * Crash safety in BullMQ mode with real processes: `switchyard serve` and a
 * `switchyard worker` on PostgreSQL and Redis are killed with SIGKILL while
 * 200 webhook runs are queued or in flight; after a restart every run
 * completes, none lost and none doubled.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnTs, type Child } from '../support/child';
import { startPostgres, type TestPostgres } from '../support/postgres-server';
import { freePort, startRedis, type TestRedis } from '../support/redis-server';
import { scenarioDoc } from './harness';

const RUNS = 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('serve and worker killed with SIGKILL while webhook runs are queued', () => {
  let postgres: TestPostgres;
  let redis: TestRedis;
  let dir: string;
  let port: number;
  let env: NodeJS.ProcessEnv;
  const children: Child[] = [];

  const serve = async () => {
    const child = await spawnTs('bin/switchyard.js', ['serve', '--port', String(port)], /switchyard serving/, env);
    children.push(child);
    return child;
  };
  const worker = async () => {
    const child = await spawnTs('bin/switchyard.js', ['worker', '--concurrency', '8'], /worker is taking runs/, env);
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startPostgres(), startRedis({ appendonly: true })]);
    dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-crash-'));
    port = await freePort();
    env = {
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      SWITCHYARD_DATA_DIR: dir,
      SWITCHYARD_SECRET_KEY: randomBytes(32).toString('base64'),
      SWITCHYARD_QUEUE_PREFIX: '{crash}',
      SWITCHYARD_SERVE_WORKER: '0',
      SWITCHYARD_API_TOKEN: '',
      SWITCHYARD_HOOK_RATE_LIMIT: '100000',
      LOG_LEVEL: 'info',
    };
  });
  afterAll(async () => {
    for (const child of children) await child.kill('SIGKILL');
    await Promise.all([postgres?.close(), redis?.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('completes all 200 runs exactly once after restart', async () => {
    let server = await serve();
    const base = `http://127.0.0.1:${port}`;
    const doc = scenarioDoc('crash-hook', {
      nodes: [
        { id: 'hook', type: 'trigger.webhook', config: { path: 'crash' } },
        { id: 'pause', type: 'delay', config: { ms: 100 } },
        { id: 'count', type: 'transform', config: { expression: '{ "n": input.n }' } },
      ] as any,
      edges: [{ from: 'hook', to: 'pause' }, { from: 'pause', to: 'count' }],
    });
    expect((await fetch(`${base}/api/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) })).status).toBe(201);
    expect((await fetch(`${base}/api/scenarios/crash-hook/publish`, { method: 'POST' })).status).toBe(200);

    const runIds: string[] = [];
    for (let n = 0; n < RUNS; n++) {
      const res = await fetch(`${base}/hooks/crash`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n }) });
      expect(res.status).toBe(202);
      runIds.push((await res.json()).runId);
    }
    expect(new Set(runIds).size).toBe(RUNS);

    const db = new pg.Client({ connectionString: postgres.url });
    await db.connect();
    const finished = async () =>
      Number((await db.query(`SELECT count(*)::int AS n FROM runs WHERE scenario_id = 'crash-hook' AND status = 'succeeded'`)).rows[0].n);

    let running = await worker();
    // Kill both once some runs are done and the rest are queued or mid-run.
    for (let i = 0; i < 300 && (await finished()) < 20; i++) await sleep(50);
    expect(await finished()).toBeLessThan(RUNS);
    await Promise.all([server.kill('SIGKILL'), running.kill('SIGKILL')]);

    server = await serve();
    running = await worker();
    for (let i = 0; i < 1200 && (await finished()) < RUNS; i++) await sleep(100);

    const rows = (await db.query(`SELECT id, status, json_array_length(r.steps) AS steps FROM runs r WHERE scenario_id = 'crash-hook'`)).rows;
    await db.end();
    expect(rows).toHaveLength(RUNS);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(runIds));
    expect(rows.filter((r) => r.status !== 'succeeded')).toEqual([]);
    // trigger, delay, transform: one step each, so a doubled step would show as a fourth.
    expect(rows.filter((r) => r.steps !== 3)).toEqual([]);
    await Promise.all([server.kill('SIGTERM'), running.kill('SIGTERM')]);
  }, 240_000);
});
