/**
 * Keep-alive connections for the guarded client, pooled per checked
 * destination. A connection is reused only for the same protocol, host name,
 * port and the very address the guard checked for that request, and only
 * within one client (one allowlist): a pooled socket can never carry a
 * request the guard would send elsewhere.
 *
 * Why pool at all: a fresh TCP (and TLS) connection per request was a
 * measurable share of a run's CPU on the User Segmentation benchmark, where
 * a run makes nine calls to the same four services (docs/performance.md).
 * Why undici's `Pool` and not `node:http`'s agent: on its own it costs about
 * half the CPU per request, and the guarded client as a whole a quarter
 * less (fix 24 in docs/performance.md); outbound calls are the largest
 * share of a run.
 */
import type { LookupFunction } from 'node:net';
import { Pool } from 'undici';
import type { ResolvedAddress } from './guard';

/**
 * How long an idle connection is kept when the server does not say. Below
 * Node's server default keep-alive timeout (5 s), so we close first and
 * rarely reuse a socket the server is closing; a server's own
 * `Keep-Alive: timeout=…` hint shortens it further.
 */
const IDLE_MS = 4_000;

export interface PoolDestination {
  protocol: 'http:' | 'https:';
  /** The URL's host as written, port included (`api.example.com:8443`, `[::1]:80`). */
  host: string;
  target: ResolvedAddress;
}

export class ConnectionPool {
  private readonly pools = new Map<string, Pool>();

  /**
   * The pool for one checked destination; its sockets connect to
   * `target.address` whatever DNS says later. The host name stays the
   * request's `Host` and the TLS server name.
   *
   * @example pool.poolFor({ protocol: 'https:', host: url.host, target }).request({ path: '/v1', method: 'GET' })
   */
  poolFor(destination: PoolDestination): Pool {
    const { protocol, host, target } = destination;
    const key = `${protocol}//${host}@${target.address}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new Pool(`${protocol}//${host}`, {
        connect: { lookup: pinnedLookup(target) },
        keepAliveTimeout: IDLE_MS,
        // The client's own deadline (the step's, or the request's timeoutMs) decides how long to wait, not undici's 300 s.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** Closes every pooled connection: idle ones at once, busy ones when their request ends. */
  close(): void {
    for (const pool of this.pools.values()) void pool.close().catch(() => undefined);
    this.pools.clear();
  }
}

/** Answers the socket's DNS lookup with the address the guard already checked. */
function pinnedLookup(target: ResolvedAddress): LookupFunction {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  }) as unknown as LookupFunction;
}
