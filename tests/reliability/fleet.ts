/**
 * A production-mode deployment made of real processes for fault tests:
 * `node bin/switchyard.js serve` and `worker` on a private Redis and
 * PostgreSQL, which the test kills and restarts as it likes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { spawnTs, type Child } from '../support/child';
import { startPostgres, type TestPostgres } from '../support/postgres-server';
import { freePort, startRedis, type TestRedis } from '../support/redis-server';

export interface Fleet {
  redis: TestRedis;
  postgres: TestPostgres;
  base: string;
  db: pg.Pool;
  serve(): Promise<Child>;
  worker(concurrency?: number): Promise<Child>;
  /** Runs of a scenario in the history, by status. */
  statusCounts(scenarioId: string): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/**
 * @example const fleet = await startFleet('{faults}'); await fleet.serve(); await fleet.worker();
 */
export async function startFleet(prefix: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Fleet> {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis({ appendonly: true })]);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-fleet-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    SWITCHYARD_DATA_DIR: dir,
    SWITCHYARD_SECRET_KEY: randomBytes(32).toString('base64'),
    SWITCHYARD_QUEUE_PREFIX: prefix,
    SWITCHYARD_SERVE_WORKER: '0',
    SWITCHYARD_API_TOKEN: '',
    SWITCHYARD_HOOK_RATE_LIMIT: '1000000',
    SWITCHYARD_ALLOW_HOSTS: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  const children: Child[] = [];
  const db = new pg.Pool({ connectionString: postgres.url, max: 2 });
  // The test's own pool sees the outage tests' restarts too; an idle client's error must not crash the test.
  db.on('error', () => undefined);
  return {
    redis,
    postgres,
    base: `http://127.0.0.1:${port}`,
    db,
    async serve() {
      const child = await spawnTs('bin/switchyard.js', ['serve', '--port', String(port)], /switchyard serving/, { ...env, LOG_LEVEL: 'info' });
      children.push(child);
      return child;
    },
    async worker(concurrency = 8) {
      const child = await spawnTs('bin/switchyard.js', ['worker', '--concurrency', String(concurrency)], /worker is taking runs/, { ...env, LOG_LEVEL: 'info' });
      children.push(child);
      return child;
    },
    async statusCounts(scenarioId) {
      const rows = (await db.query(`SELECT status, count(*)::int AS n FROM runs WHERE scenario_id = $1 GROUP BY status`, [scenarioId])).rows;
      return Object.fromEntries(rows.map((r) => [r.status, r.n]));
    },
    async close() {
      for (const child of children) await child.kill('SIGKILL');
      await db.end().catch(() => undefined);
      await Promise.all([postgres.close(), redis.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
