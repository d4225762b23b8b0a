/**
 * The service as `switchyard serve` starts it in BullMQ mode, with
 * `SWITCHYARD_API_TOKEN` set and a Redis that may evict and does not persist:
 *
 * - the start-up log warns about `maxmemory-policy` and persistence;
 * - every route under `/api` (found by walking the Express router, so a new
 *   route without auth fails this test) and the queue dashboard refuse a
 *   request without the token or with a wrong one, and let the right one in;
 * - helmet's headers are on every answer; CORS grants no other origin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../support/redis-server';
import { startInProcessService, type InProcessService } from '../reliability/service';
import { concretePath, listRoutes, type AppRoute } from './routes';

const TOKEN = 'api-token-7f3e9a1c';
let redis: TestRedis;
let svc: InProcessService;
let routes: AppRoute[];

beforeAll(async () => {
  redis = await startRedis({ extraArgs: ['--maxmemory-policy', 'allkeys-lru'] });
  svc = await startInProcessService({ redisUrl: redis.url, apiToken: TOKEN, queuePrefix: '{guard}' });
  routes = listRoutes(svc.service.server.app);
});
afterAll(async () => {
  await svc?.close();
  await redis?.close();
});

describe('start-up in BullMQ mode', () => {
  it('warns when Redis may evict queued runs and when persistence is off', () => {
    const warnings = svc.logs.map((l) => JSON.parse(l)).filter((l) => l.level === 40);
    expect(warnings.find((w) => w.setting === 'maxmemory-policy')?.msg).toMatch(/allkeys-lru.*noeviction/);
    expect(warnings.find((w) => w.setting === 'appendonly')?.msg).toMatch(/persistence \(AOF\) is off/);
  });
});

describe('SWITCHYARD_API_TOKEN', () => {
  it('finds the API routes by walking the router', () => {
    const api = routes.filter((r) => r.path.startsWith('/api/'));
    // The documented surface at the very least; more is fine, every one is checked below.
    for (const expected of ['GET /api/scenarios', 'POST /api/scenarios/:id/runs', 'GET /api/runs/:id/events', 'PUT /api/secrets/:name', 'POST /api/import', 'GET /api/health']) {
      expect(api.map((r) => `${r.method} ${r.path}`)).toContain(expected);
    }
    expect(api.length).toBeGreaterThanOrEqual(25);
  });

  it('refuses every /api route without the token or with a wrong one (health excepted)', async () => {
    const checked: string[] = [];
    for (const route of routes.filter((r) => r.path.startsWith('/api'))) {
      const url = concretePath(route.path);
      const body = route.method === 'GET' || route.method === 'HEAD' ? undefined : '{}';
      const headers = { 'content-type': 'application/json' };
      const none = await fetch(svc.url + url, { method: route.method, headers, body });
      const wrong = await fetch(svc.url + url, { method: route.method, headers: { ...headers, authorization: `Bearer ${TOKEN}x` }, body });
      const query = await fetch(`${svc.url}${url}?access_token=${TOKEN}x`, { method: route.method, headers, body });
      if (route.path === '/api/health') {
        expect(none.status).toBe(200);
        continue;
      }
      expect(none.status, `${route.method} ${url}`).toBe(401);
      expect(wrong.status, `${route.method} ${url} with a wrong token`).toBe(401);
      expect(query.status, `${route.method} ${url} with a wrong access_token`).toBe(401);
      expect((await none.json()).error.code).toBe('unauthorized');
      const right = await fetch(svc.url + url, { method: route.method, headers: { ...headers, authorization: `Bearer ${TOKEN}` }, body, signal: AbortSignal.timeout(5000) }).catch(() => undefined);
      // Past auth the probe may be unknown (404) or wrong (400…), or an event stream (200, cut off): anything but 401.
      if (right) {
        expect(right.status, `${route.method} ${url} with the token`).not.toBe(401);
        await right.body?.cancel();
      }
      checked.push(`${route.method} ${route.path}`);
    }
    // Unknown paths under /api are refused before anyone learns they do not exist.
    expect((await fetch(`${svc.url}/api/no-such-route`)).status).toBe(401);
    console.log(`[security] ${checked.length} /api routes refuse requests without the token: ${checked.join(', ')}`);
  }, 120_000);

  it('guards the queue dashboard with the token (bearer or Basic)', async () => {
    expect(routes.some((r) => r.path.startsWith('/admin/queues'))).toBe(true);
    const none = await fetch(`${svc.url}/admin/queues`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/Basic/);
    expect((await fetch(`${svc.url}/admin/queues/api/queues`)).status).toBe(401);
    const wrongBasic = await fetch(`${svc.url}/admin/queues`, { headers: { authorization: `Basic ${Buffer.from(`ops:${TOKEN}x`).toString('base64')}` } });
    expect(wrongBasic.status).toBe(401);
    expect((await fetch(`${svc.url}/admin/queues`, { headers: { authorization: `Basic ${Buffer.from(`ops:${TOKEN}`).toString('base64')}` } })).status).toBe(200);
    expect((await fetch(`${svc.url}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });
});

describe('headers', () => {
  it("sends helmet's security headers on API, webhook and error answers", async () => {
    for (const res of [
      await fetch(`${svc.url}/api/health`),
      await fetch(`${svc.url}/api/scenarios`),
      await fetch(`${svc.url}/hooks/nobody`, { method: 'POST' }),
      await fetch(`${svc.url}/nowhere`),
    ]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('grants no CORS access to another origin, on simple and preflight requests', async () => {
    const simple = await fetch(`${svc.url}/api/scenarios`, { headers: { origin: 'https://evil.example', authorization: `Bearer ${TOKEN}` } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${svc.url}/api/scenarios`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
    const hook = await fetch(`${svc.url}/hooks/x`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(hook.headers.get('access-control-allow-origin')).toBeNull();
  });
});
