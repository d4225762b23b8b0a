/**
 * `serve` and `worker` first check that they can reach the services the
 * environment names: Redis (`REDIS_URL`) and PostgreSQL (`DATABASE_URL`).
 * Without the check, a closed port shows up as an internal error with a
 * stack (PostgreSQL), or as no error at all: the Redis connection BullMQ
 * needs retries forever (`maxRetriesPerRequest: null`), so the process hangs.
 * Each probe is one connection that does not retry, with a time limit; what
 * is unreachable is reported in one line (errors.ts, exit 3) naming the
 * service, its URL with the password masked, and the reason.
 */
import { maskUrl } from './mask-url';

/** How long a probe waits for a service to answer: a closed port answers at once, a dropped packet never. */
export const SERVICE_TIMEOUT_MS = 5000;

export interface ServiceUrls {
  redisUrl?: string;
  databaseUrl?: string;
}

/** One service that did not answer. */
export interface UnreachableService {
  service: 'Redis' | 'PostgreSQL';
  /** The environment variable that names it. */
  variable: 'REDIS_URL' | 'DATABASE_URL';
  /** Its URL, password masked. */
  url: string;
  /** Why, in a few words, with the driver's code: `connection refused (ECONNREFUSED)`. */
  reason: string;
  cause: unknown;
}

/**
 * Services the command needs and cannot reach; the message names each one.
 *
 * @example new ServiceUnreachableError('worker', [{ service: 'Redis', variable: 'REDIS_URL', url: 'redis://127.0.0.1:1', reason: 'connection refused (ECONNREFUSED)', cause }]).message
 * // → 'switchyard worker: cannot connect to Redis at redis://127.0.0.1:1 (REDIS_URL): connection refused (ECONNREFUSED)'
 */
export class ServiceUnreachableError extends Error {
  constructor(
    readonly command: string,
    readonly services: UnreachableService[],
  ) {
    super(`switchyard ${command}: ${services.map((s) => `cannot connect to ${s.service} at ${s.url} (${s.variable}): ${s.reason}`).join('; ')}`);
    this.name = 'ServiceUnreachableError';
  }
}

/** Network codes in words; the code itself is kept in the message for searching. */
const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused, nothing listens on that port',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name could not be resolved',
  ETIMEDOUT: 'no answer',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
};

/** Redis replies that are about the credentials (PostgreSQL's say so in their message). */
const AUTH_REPLY = /^(WRONGPASS|NOAUTH)\b/;

/**
 * A short reason for a failed connection: the network code in words, a Redis
 * authentication reply by its code, PostgreSQL's message with its SQLSTATE.
 * The raw URL is scrubbed out in case a driver quoted it.
 */
function reasonOf(error: unknown, rawUrl: string): string {
  const e = (error ?? {}) as { code?: unknown; message?: unknown; errors?: Array<{ message?: string }> };
  const code = typeof e.code === 'string' ? e.code : undefined;
  // Node's "happy eyeballs" (localhost → ::1 and 127.0.0.1) fails with an AggregateError and an empty message.
  const message = (typeof e.message === 'string' && e.message) || e.errors?.map((x) => x.message).join('; ') || String(error);
  let reason: string;
  if (code && NETWORK_REASONS[code]) reason = `${NETWORK_REASONS[code]} (${code})`;
  else if (AUTH_REPLY.test(message)) {
    const reply = AUTH_REPLY.exec(message)![1];
    reason = reply === 'NOAUTH' ? `authentication required: the URL gives no password (${reply})` : `authentication failed: wrong user name or password (${reply})`;
  } else {
    const line = message.split('\n')[0].slice(0, 200);
    reason = code && !line.includes(code) ? `${line} (${code})` : line;
  }
  return rawUrl ? reason.split(rawUrl).join(maskUrl(rawUrl)) : reason;
}

function noAnswer(ms: number): Error {
  return new Error(`no answer within ${ms / 1000} s`);
}

/** Rejects after `ms` unless `work` settles first: a probe's own time limit does not cover a DNS lookup. */
function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(noAnswer(ms)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Connects once, without retrying, and asks PING: a Redis that wants a password refuses PING without one. */
async function probeRedis(url: string, timeoutMs: number): Promise<void> {
  const { Redis } = await import('ioredis');
  let failure: unknown;
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // ioredis rejects connect() with a bare "Connection is closed."; the reason comes as an 'error' event.
  redis.on('error', (error) => (failure ??= error));
  try {
    await within(
      (async () => {
        await redis.connect();
        await redis.ping();
      })(),
      timeoutMs + 1000,
    );
  } catch (error) {
    throw failure ?? error;
  } finally {
    redis.disconnect();
  }
}

/** Connects and authenticates once, as the store's pool will. */
async function probePostgres(url: string, timeoutMs: number): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {});
  try {
    await within(client.connect(), timeoutMs + 1000);
  } catch (error) {
    // pg says "timeout expired" (or "… due to connection timeout") without a code: say how long it waited.
    const { code, message } = error as { code?: unknown; message?: unknown };
    throw code === undefined && typeof message === 'string' && /timeout/i.test(message) ? noAnswer(timeoutMs) : error;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Resolves when every configured service answers; otherwise throws a `ServiceUnreachableError` naming each
 * that does not. Both are probed at once, so a start with both down takes one time limit, not two.
 *
 * @example await checkServices('worker', { redisUrl: process.env.REDIS_URL, databaseUrl: process.env.DATABASE_URL });
 */
export async function checkServices(command: string, urls: ServiceUrls, timeoutMs = SERVICE_TIMEOUT_MS): Promise<void> {
  const probes: Array<Promise<UnreachableService | undefined>> = [];
  const probe = (service: UnreachableService['service'], variable: UnreachableService['variable'], url: string, connect: (url: string, ms: number) => Promise<void>) =>
    probes.push(
      connect(url, timeoutMs).then(
        () => undefined,
        (cause: unknown) => ({ service, variable, url: maskUrl(url), reason: reasonOf(cause, url), cause }),
      ),
    );
  if (urls.redisUrl) probe('Redis', 'REDIS_URL', urls.redisUrl, probeRedis);
  if (urls.databaseUrl) probe('PostgreSQL', 'DATABASE_URL', urls.databaseUrl, probePostgres);
  const unreachable = (await Promise.all(probes)).filter((s): s is UnreachableService => s !== undefined);
  if (unreachable.length) throw new ServiceUnreachableError(command, unreachable);
}
