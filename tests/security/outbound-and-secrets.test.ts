/**
 * Through scenario runs over the API of the real service (in this process):
 *
 * - SSRF: with only 127.0.0.1 allowed, `http.request` and `braze.users.track`
 *   are refused 127.0.0.2, `[::1]`, `[::ffff:127.0.0.2]` and a redirect from an
 *   allowed stand-in to either; trap servers on those addresses prove no
 *   request arrived, and the guard's counter counts every refusal. No test
 *   request goes anywhere but loopback.
 * - Secrets: a secret used in a URL, a header and a body never shows in API
 *   answers, run records, step errors, SSE events or log lines, even when the
 *   outside service fails and echoes it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockedOutboundCount } from '../../engine/http';
import { startInProcessService, type InProcessService } from '../reliability/service';
import { readEvents } from './sse-reader';

const SECRET = 'sk-live-4b1d5e9c-never-show';
let svc: InProcessService;
let stand: http.Server;
let standUrl: string;
const traps: http.Server[] = [];
let trapHits = 0;
let trapPort = 0;
let ipv6 = true;

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

beforeAll(async () => {
  process.env.SWITCHYARD_ALLOW_HOSTS = '127.0.0.1';
  svc = await startInProcessService();
  // Set before any run: the engine caches secrets for a few seconds.
  expect((await svc.call('/api/secrets/PARTNER_KEY', { method: 'PUT', body: { value: SECRET } })).status).toBe(200);
  // The allowed stand-in: redirects on demand, fails echoing what it got, or answers.
  stand = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (url.pathname === '/redirect') return res.writeHead(302, { location: url.searchParams.get('to')! }).end();
      if (url.pathname === '/fail') {
        return res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'upstream broke', youSent: { url: req.url, headers: req.headers, body } }));
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, youSent: { url: req.url, headers: req.headers, body } }));
    });
  });
  standUrl = `http://127.0.0.1:${await listen(stand, 0, '127.0.0.1')}`;
  // Traps on the refused loopback addresses: any request reaching them is a guard failure.
  const trap = () => http.createServer((_req, res) => (trapHits++, res.end('reached')));
  const first = trap();
  trapPort = await listen(first, 0, '127.0.0.2');
  traps.push(first);
  const v6 = trap();
  try {
    await listen(v6, trapPort, '::1');
    traps.push(v6);
  } catch {
    ipv6 = false; // no IPv6 loopback here: the guard is still checked, the trap just cannot listen
  }
});
afterAll(async () => {
  await svc?.close();
  for (const server of [stand, ...traps]) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

async function runOnce(id: string, node: Record<string, unknown>, input: unknown = {}) {
  const doc = {
    format: 'switchyard/scenario@1',
    id,
    name: id,
    nodes: [{ id: 'start', type: 'trigger.manual', config: {} }, { id: 'call', onError: 'fail', ...node }],
    edges: [{ from: 'start', to: 'call' }],
  };
  const saved = await svc.call(`/api/scenarios/${id}`, { method: 'PUT', body: doc });
  expect(saved.status, saved.text).toBe(201); // created by the PUT
  const run = await svc.call(`/api/scenarios/${id}/runs?wait=true`, { body: input });
  expect(run.status, run.text).toBe(200);
  return run.body;
}

describe('SSRF guard through scenario runs', () => {
  it('refuses 127.0.0.2, [::1], [::ffff:127.0.0.2] and redirects to them, reaching none; allows 127.0.0.1', async () => {
    const targets = [
      `http://127.0.0.2:${trapPort}/`,
      `http://[::1]:${trapPort}/`,
      `http://[::ffff:127.0.0.2]:${trapPort}/`,
      `${standUrl}/redirect?to=${encodeURIComponent(`http://127.0.0.2:${trapPort}/`)}`,
      `${standUrl}/redirect?to=${encodeURIComponent(`http://[::1]:${trapPort}/`)}`,
    ];
    const before = blockedOutboundCount();
    let refused = 0;
    for (const [i, url] of targets.entries()) {
      const run = await runOnce(`ssrf-${i}`, { type: 'http.request', config: { method: 'GET', url } });
      expect(run.status, url).toBe('failed');
      const error = run.steps.find((s: any) => s.nodeId === 'call').error.message as string;
      expect(error, url).toMatch(/loopback.*SWITCHYARD_ALLOW_HOSTS/);
      refused++;
    }
    // An integration node goes through the same guard.
    const braze = await runOnce('ssrf-braze', { type: 'braze.users.track', config: { baseUrl: `http://127.0.0.2:${trapPort}`, apiKey: 'k', externalId: 'u1', attributes: '{ "a": 1 }' } });
    expect(braze.status).toBe('failed');
    expect(braze.steps.find((s: any) => s.nodeId === 'call').error.message).toMatch(/127\.0\.0\.2 is a loopback address/);
    refused++;
    const blocked = blockedOutboundCount() - before;
    expect(blocked).toBeGreaterThanOrEqual(refused);
    expect(trapHits).toBe(0);
    // The allowed address works, so the refusals above are the guard, not a broken setup.
    const allowed = await runOnce('ssrf-allowed', { type: 'http.request', config: { method: 'GET', url: `${standUrl}/ok` } });
    expect(allowed.status).toBe('succeeded');
    console.log(`[security] SSRF: ${refused} runs refused, ${blocked} blocked attempts counted by the guard, ${trapHits} requests reached the traps (IPv6 trap ${ipv6 ? 'listening' : 'unavailable'})`);
  }, 60_000);
});

describe('secrets stay secret', () => {
  it('never appear in API answers, run records, step errors, SSE events or logs', async () => {
    const id = 'secret-leaks';
    const doc = {
      format: 'switchyard/scenario@1',
      id,
      name: id,
      nodes: [
        { id: 'start', type: 'trigger.manual', config: {} },
        {
          id: 'ok',
          type: 'http.request',
          config: { method: 'POST', url: `${standUrl}/echo?key={{ secrets.PARTNER_KEY }}`, headers: { 'x-api-key': '{{ secrets.PARTNER_KEY }}' }, body: '{ "note": "hello" }' },
        },
        {
          id: 'boom',
          type: 'http.request',
          config: { method: 'POST', url: `${standUrl}/fail?key={{ secrets.PARTNER_KEY }}`, headers: { authorization: 'Bearer {{ secrets.PARTNER_KEY }}' } },
          retry: { attempts: 2, delayMs: 10 },
          onError: 'fail',
        },
      ],
      edges: [
        { from: 'start', to: 'ok' },
        { from: 'ok', to: 'boom' },
      ],
    };
    const texts: string[] = [];
    const saved = await svc.call(`/api/scenarios/${id}`, { method: 'PUT', body: doc });
    texts.push(saved.text);
    const events = readEvents(`${svc.url}/api/scenarios/${id}/events`, (t) => t.includes('run.finished'));
    await new Promise((r) => setTimeout(r, 200)); // let the stream subscribe before the run starts
    const run = await svc.call(`/api/scenarios/${id}/runs?wait=true`, { body: { note: 'trigger' } });
    texts.push(run.text);
    expect(run.body.status, run.text).toBe('failed');
    const boom = run.body.steps.find((s: any) => s.nodeId === "boom");
    expect(boom.error.message).toMatch(/500/);
    // The outside service did get the secret (so there was something to leak).
    expect(JSON.stringify(run.body.steps.find((s: any) => s.nodeId === 'ok').output)).toContain('[redacted]');

    texts.push(await events);
    expect(texts.at(-1)).toContain('run.finished');
    texts.push(await readEvents(`${svc.url}/api/runs/${run.body.id}/events`, (t) => t.includes('snapshot')));
    for (const pathname of [`/api/runs/${run.body.id}`, `/api/runs?scenarioId=${id}`, `/api/scenarios/${id}`, '/api/secrets', `/api/runs/${run.body.id}/artifacts`]) {
      texts.push((await svc.call(pathname)).text);
    }
    // Retrying and resuming answer with errors or new runs: those too.
    texts.push((await svc.call(`/api/runs/${run.body.id}/resume`, { method: 'POST', body: {} })).text);
    texts.push(JSON.stringify(await svc.service.store.getRun(run.body.id)));
    texts.push(...svc.logs);
    const leaks = texts.filter((t) => t.includes(SECRET) || t.includes(encodeURIComponent(SECRET)));
    expect(leaks).toEqual([]);
    expect(texts.join('\n')).toContain('[redacted]');
  }, 60_000);
});
