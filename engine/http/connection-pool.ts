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
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './guard';

/**
 * How long an idle connection is kept. Below Node's server default
 * keep-alive timeout (5 s), so we close first and rarely reuse a socket the
 * server is closing.
 */
const IDLE_MS = 4_000;

export interface PoolDestination {
  protocol: 'http:' | 'https:';
  hostname: string;
  port: string;
  target: ResolvedAddress;
}

export class ConnectionPool {
  private readonly agents = new Map<string, http.Agent>();

  /**
   * The agent for one checked destination; its sockets connect to
   * `target.address` whatever DNS says later.
   *
   * @example http.request(url, { agent: pool.agentFor({ protocol: 'https:', hostname: url.hostname, port: url.port, target }) })
   */
  agentFor(destination: PoolDestination): http.Agent {
    const { protocol, hostname, port, target } = destination;
    const key = `${protocol}//${hostname}:${port}@${target.address}`;
    let agent = this.agents.get(key);
    if (!agent) {
      const options = { keepAlive: true, timeout: IDLE_MS, scheduling: 'lifo' as const, lookup: pinnedLookup(target) };
      agent = protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** Closes every pooled connection (idle ones at once, busy ones when their request ends). */
  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

/** Answers the socket's DNS lookup with the address the guard already checked. */
function pinnedLookup(target: ResolvedAddress): LookupFunction {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  }) as unknown as LookupFunction;
}
