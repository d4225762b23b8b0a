/**
 * A cancel that comes while a run's last step is in flight, against
 * `switchyard serve` in its own process (embedded mode): the step finishes,
 * the run ends as it would have, and the server goes on answering. The
 * command reached the run too late to act on; it is dropped. It once made the
 * engine queue the finished run again and again, which froze the embedded
 * server's event loop.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall } from '../support/api-client';
import { spawnTs, type Child } from '../support/child';
import { freePort } from '../support/redis-server';
import { scenarioDoc } from './harness';

describe('a cancel that comes while the last step is in flight', () => {
  let dir: string;
  let serve: Child;
  let base: string;
  let slow: http.Server;
  let slowUrl: string;
  /** Resolves when the stand-in has the step's request. */
  let called: Promise<void>;

  beforeAll(async () => {
    let markCalled!: () => void;
    called = new Promise((resolve) => (markCalled = resolve));
    slow = http.createServer((_req, res) => {
      markCalled();
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"sent":true}'), 600);
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/send`;

    dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-cancel-race-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    serve = await spawnTs('bin/switchyard.js', ['serve', '--port', String(port)], /switchyard serving/, {
      SWITCHYARD_DATA_DIR: dir,
      SWITCHYARD_SECRET_KEY: randomBytes(32).toString('base64'),
      SWITCHYARD_API_TOKEN: '',
      SWITCHYARD_ALLOW_HOSTS: '127.0.0.1',
      REDIS_URL: '',
      DATABASE_URL: '',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
  }, 120_000);
  afterAll(async () => {
    await serve?.kill('SIGKILL');
    await new Promise((resolve) => slow?.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  const post = (route: string, body: unknown = {}) => apiCall(base, route, { body, signal: AbortSignal.timeout(15_000) });

  it('lets the step finish, keeps the run succeeded, and the server answering', async () => {
    const doc = scenarioDoc('last-call', {
      nodes: [
        { id: 'trigger', type: 'trigger.manual' },
        { id: 'send', type: 'http.request', config: { method: 'POST', url: slowUrl } },
      ] as any,
      edges: [{ from: 'trigger', to: 'send' }],
    });
    expect((await post('/api/scenarios', doc)).status).toBe(201);
    const started = await post('/api/scenarios/last-call/runs');
    expect(started.status).toBe(202);
    await called;

    const cancelled = await post(`/api/runs/${started.body.runId}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('succeeded');
    expect(cancelled.body.output).toMatchObject({ body: { sent: true } });

    // Still answering, a moment later, and the run as it ended.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const health = await apiCall(base, '/api/health', { signal: AbortSignal.timeout(3000) });
    expect(health.status).toBe(200);
    const run = await apiCall(base, `/api/runs/${started.body.runId}`, { signal: AbortSignal.timeout(3000) });
    expect(run.body.status).toBe('succeeded');
  });
});
