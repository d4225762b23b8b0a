/**
 * `switchyard worker` and `serve` with a Redis or PostgreSQL they cannot
 * reach: one line naming the service, its URL with the password masked and
 * the reason, exit 3, within seconds — not a stack trace, and not BullMQ's
 * connection retrying forever. The closed ports are ones the OS gave us and
 * we closed again, never the machine's own Redis or PostgreSQL.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureReport } from '../../engine/cli/errors';
import { maskUrl } from '../../engine/cli/mask-url';
import { ServiceUnreachableError } from '../../engine/cli/service-check';
import { startPostgres, type TestPostgres } from '../support/postgres-server';
import { freePort, startRedis, type TestRedis } from '../support/redis-server';
import { STACK_FRAME, switchyard, type CommandResult } from './switchyard';

const REFUSED = 'connection refused, nothing listens on that port (ECONNREFUSED)';
/** Far below the 170 s the command helper waits: a process that retried forever would fail here. */
const PROMPTLY_MS = 30_000;

async function timed(args: string[], env: NodeJS.ProcessEnv): Promise<CommandResult & { ms: number }> {
  const started = Date.now();
  const result = await switchyard(args, { SWITCHYARD_SERVE_WORKER: '', REDIS_URL: '', DATABASE_URL: '', ...env });
  return { ...result, ms: Date.now() - started };
}

function expectOneLine(result: CommandResult & { ms: number }, line: string): void {
  expect({ code: result.code, stderr: result.stderr, stdout: result.stdout }).toEqual({ code: 3, stderr: `${line}\n`, stdout: '' });
  expect(result.stderr).not.toMatch(STACK_FRAME);
  expect(result.ms).toBeLessThan(PROMPTLY_MS);
}

describe('maskUrl', () => {
  it('hides the password in the user info and in the query, and keeps the rest', () => {
    expect(maskUrl('postgres://app:s3cret@db.internal:5432/switchyard?sslmode=require')).toBe('postgres://app:***@db.internal:5432/switchyard?sslmode=require');
    expect(maskUrl('redis://:s3cret@127.0.0.1:6379/2')).toBe('redis://:***@127.0.0.1:6379/2');
    expect(maskUrl('postgresql://db/switchyard?user=app&password=s3cret')).toBe('postgresql://db/switchyard?user=app&password=***');
    expect(maskUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});

describe('failureReport', () => {
  it('reports an unreachable service in one line with exit 3, its cause under SWITCHYARD_DEBUG=1', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const error = new ServiceUnreachableError('worker', [{ service: 'Redis', variable: 'REDIS_URL', url: 'redis://127.0.0.1:1', reason: REFUSED, cause }]);
    expect(failureReport(error, {})).toEqual({ text: `switchyard worker: cannot connect to Redis at redis://127.0.0.1:1 (REDIS_URL): ${REFUSED}`, exitCode: 3 });
    const debug = failureReport(error, { SWITCHYARD_DEBUG: '1' });
    expect(debug.exitCode).toBe(3);
    expect(debug.text).toContain('Error: connect ECONNREFUSED 127.0.0.1:1');
  });
});

describe('a closed port at start-up', () => {
  let redisPort: number;
  let postgresPort: number;
  beforeAll(async () => {
    // Bound and closed again by freePort: nothing listens there now.
    [redisPort, postgresPort] = await Promise.all([freePort(), freePort()]);
  });

  it('worker names Redis and PostgreSQL, passwords masked, and exits 3', async () => {
    const result = await timed(['worker'], { REDIS_URL: `redis://:redis-s3cret@127.0.0.1:${redisPort}`, DATABASE_URL: `postgres://app:pg-s3cret@127.0.0.1:${postgresPort}/switchyard` });
    expectOneLine(
      result,
      `switchyard worker: cannot connect to Redis at redis://:***@127.0.0.1:${redisPort} (REDIS_URL): ${REFUSED}; ` +
        `cannot connect to PostgreSQL at postgres://app:***@127.0.0.1:${postgresPort}/switchyard (DATABASE_URL): ${REFUSED}`,
    );
    expect(result.stderr).not.toContain('s3cret');
  }, 120_000);

  it('serve names the PostgreSQL of DATABASE_URL (embedded queue) and the Redis of REDIS_URL', async () => {
    const [postgres, redis] = await Promise.all([
      timed(['serve', '--port', '0'], { DATABASE_URL: `postgres://app:pg-s3cret@127.0.0.1:${postgresPort}/switchyard` }),
      timed(['serve', '--port', '0'], { REDIS_URL: `redis://127.0.0.1:${redisPort}`, SWITCHYARD_SERVE_WORKER: '1' }),
    ]);
    expectOneLine(postgres, `switchyard serve: cannot connect to PostgreSQL at postgres://app:***@127.0.0.1:${postgresPort}/switchyard (DATABASE_URL): ${REFUSED}`);
    expectOneLine(redis, `switchyard serve: cannot connect to Redis at redis://127.0.0.1:${redisPort} (REDIS_URL): ${REFUSED}`);
  }, 120_000);
});

describe('a service that answers but refuses', () => {
  let redis: TestRedis;
  let postgres: TestPostgres;
  beforeAll(async () => {
    [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
    // Set after start: the helper's readiness PING would be refused with a password.
    const admin = new Redis(redis.url);
    await admin.config('SET', 'requirepass', 'right-password');
    admin.disconnect();
  }, 120_000);
  afterAll(async () => {
    await Promise.all([redis?.close(), postgres?.close()]);
  });

  it('names a wrong Redis password, a missing one, and a database that does not exist', async () => {
    const database = postgres.url.replace(/\/postgres$/, '/no_such_db');
    const [wrong, missing] = await Promise.all([
      timed(['worker'], { REDIS_URL: `redis://:wrong-password@127.0.0.1:${redis.port}`, DATABASE_URL: postgres.url }),
      timed(['worker'], { REDIS_URL: redis.url, DATABASE_URL: database }),
    ]);
    expectOneLine(wrong, `switchyard worker: cannot connect to Redis at redis://:***@127.0.0.1:${redis.port} (REDIS_URL): authentication failed: wrong user name or password (WRONGPASS)`);
    expectOneLine(
      missing,
      `switchyard worker: cannot connect to Redis at ${redis.url} (REDIS_URL): authentication required: the URL gives no password (NOAUTH); ` +
        `cannot connect to PostgreSQL at ${database} (DATABASE_URL): database "no_such_db" does not exist (3D000)`,
    );
  }, 120_000);
});
