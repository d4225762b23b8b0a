import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import httpRequest from '../../nodes/builtin/http-request';
import { createRegistry } from '../../nodes';
import { HttpStatusError } from '../../engine/http';
import { nodeContext } from './node-context';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let server: http.Server;
let base: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const url = new URL(req.url!, 'http://x');
      const status = url.pathname.match(/^\/status\/(\d+)$/);
      if (status) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (url.searchParams.has('retryAfter')) headers['retry-after'] = url.searchParams.get('retryAfter')!;
        return res.writeHead(Number(status[1]), headers).end(JSON.stringify({ error: `status ${status[1]}` }));
      }
      if (url.pathname === '/hang') return;
      res.writeHead(200, { 'content-type': 'application/json', 'x-echo': 'yes' }).end(JSON.stringify({ echo: { path: url.pathname, query: Object.fromEntries(url.searchParams) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const run = (config: Record<string, unknown>, options: Parameters<typeof nodeContext>[2] = {}) =>
  httpRequest.run(nodeContext(httpRequest, config, options));

describe('http.request node', () => {
  it('is registered as a built-in outbound node type', async () => {
    const registry = await createRegistry();
    expect(registry.get('http.request')?.outbound).toBe(true);
  });

  it('sends a JSON body, query, headers, auth and the idempotency key; outputs status, headers and parsed body', async () => {
    const result = await run(
      { method: 'POST', url: `${base}/predict?x=1`, query: { limit: 3, debug: true }, headers: { 'X-Team': 'growth' }, auth: { type: 'bearer', token: 'tok-123' } },
      { evaluated: { body: { userId: 'u-7', eventType: 'page' } }, idempotencyKey: 'run-9:n8' },
    );
    expect(result).toEqual({
      output: { status: 200, headers: expect.objectContaining({ 'x-echo': 'yes' }), body: { echo: { path: '/predict', query: { x: '1', limit: '3', debug: 'true' } } } },
    });
    const request = seen.at(-1)!;
    expect(request.method).toBe('POST');
    expect(JSON.parse(request.body)).toEqual({ userId: 'u-7', eventType: 'page' });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers.authorization).toBe('Bearer tok-123');
    expect(request.headers['x-team']).toBe('growth');
    expect(request.headers['idempotency-key']).toBe('run-9:n8');
  });

  it('sends strings as text and supports basic and custom-header auth', async () => {
    await run({ method: 'PUT', url: `${base}/t`, auth: { type: 'basic', username: 'ann', password: 'pw' } }, { evaluated: { body: 'hello' } });
    expect(seen.at(-1)!.body).toBe('hello');
    expect(seen.at(-1)!.headers['content-type']).toMatch(/^text\/plain/);
    expect(seen.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from('ann:pw').toString('base64')}`);
    await run({ url: `${base}/t`, auth: { type: 'header', name: 'X-Api-Key', value: 'k1' } });
    expect(seen.at(-1)!.method).toBe('GET');
    expect(seen.at(-1)!.headers['x-api-key']).toBe('k1');
  });

  it('fails on a non-ok status with the status in the error; 4xx is not retryable', async () => {
    const error = await Promise.resolve(run({ method: 'POST', url: `${base}/status/404` })).catch((e) => e);
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error.message).toMatch(/^http\.request: POST http:\/\/127\.0\.0\.1:\d+\/status\/404 answered 404: \{"error":"status 404"\}/);
    expect(error.status).toBe(404);
    expect(error.retryable).toBe(false);
    const conflict = await Promise.resolve(run({ url: `${base}/status/409` })).catch((e) => e);
    expect(conflict.retryable).toBe(true);
    const server500 = await Promise.resolve(run({ url: `${base}/status/500` })).catch((e) => e);
    expect(server500.retryable).toBe(true);
  });

  it('accepts the statuses listed in okStatuses', async () => {
    const result = await run({ url: `${base}/status/404`, okStatuses: ['2xx', 404] });
    expect(result).toMatchObject({ output: { status: 404, body: { error: 'status 404' } } });
  });

  it('passes Retry-After on 429 and 503 as retryAfterMs (seconds or HTTP date)', async () => {
    const seconds = await Promise.resolve(run({ url: `${base}/status/429?retryAfter=7` })).catch((e) => e);
    expect(seconds).toMatchObject({ status: 429, retryAfterMs: 7000, retryable: true });
    const date = new Date(Date.now() + 60_000).toUTCString();
    const dated = await Promise.resolve(run({ url: `${base}/status/503?retryAfter=${encodeURIComponent(date)}` })).catch((e) => e);
    expect(dated.status).toBe(503);
    expect(dated.retryAfterMs).toBeGreaterThan(50_000);
    expect(dated.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('gives up after its own timeoutMs and when the step signal aborts', async () => {
    await expect(Promise.resolve(run({ url: `${base}/hang`, timeoutMs: 100 }))).rejects.toThrow(/no answer in time/);
    const controller = new AbortController();
    const pending = Promise.resolve(run({ url: `${base}/hang` }, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toThrow(/cancelled/);
  });

  it('is refused by the guard for unlisted loopback addresses', async () => {
    await expect(Promise.resolve(run({ url: base.replace('127.0.0.1', '127.0.0.2') }))).rejects.toThrow(/127\.0\.0\.2 is a loopback address/);
  });

  it('flags a URL that can never work in validation', () => {
    expect(httpRequest.check!(httpRequest.config.parse({ url: 'ftp://x/y' }))).toEqual([{ path: ['url'], message: 'Only http and https URLs are allowed, not "ftp:"' }]);
    expect(httpRequest.check!(httpRequest.config.parse({ url: '{{ vars.ML_URL }}/predict' }))).toEqual([]);
    expect(() => httpRequest.config.parse({ url: 'x', method: 'FETCH' })).toThrow();
  });
});
