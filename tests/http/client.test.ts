import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockedOutboundCount, blockedOutboundCounts, createHttpClient, OutboundBlockedError } from '../../engine/http';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let server: http.Server;
let base: string;
let port: number;
const seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const url = new URL(req.url!, 'http://x');
      if (url.pathname === '/json') return res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end('{"ok":true}');
      if (url.pathname === '/text') return res.writeHead(200, { 'content-type': 'text/plain' }).end('plain words');
      if (url.pathname === '/redirect') return res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: url.searchParams.get('to')! }).end();
      if (url.pathname === '/loop') return res.writeHead(302, { location: '/loop' }).end();
      if (url.pathname === '/big') return res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(5000));
      if (url.pathname === '/gzip-bomb') {
        return res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' }).end(zlib.gzipSync('y'.repeat(50_000)));
      }
      if (url.pathname === '/gzip') return res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(zlib.gzipSync('{"zipped":1}'));
      if (url.pathname === '/hang') return; // never answers
      if (url.pathname === '/half-gzip') {
        // Half of a gzipped body, then the connection drops.
        const zipped = zlib.gzipSync('z'.repeat(20_000) + Math.random());
        res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip', 'content-length': String(zipped.length) });
        return res.write(zipped.subarray(0, zipped.length >> 1), () => res.destroy());
      }
      if (url.pathname === '/stall') return res.writeHead(200, { 'content-type': 'text/plain' }).write('the start, and then nothing'); // headers, no end
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const allowed = () => createHttpClient({ allowHosts: ['127.0.0.1'] });

/** undici rests a kept-alive socket for one event-loop turn before reusing it (a request sent sooner opens another). */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('guarded HTTP client', () => {
  it('reaches an allowlisted stand-in and parses JSON by content type, text otherwise', async () => {
    const client = allowed();
    const json = await client.request({ method: 'POST', url: `${base}/json`, headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' });
    expect(json.status).toBe(200);
    expect(json.body).toEqual({ ok: true });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', body: '{"a":1}' });
    const text = await client.request({ method: 'GET', url: `${base}/text` });
    expect(text.body).toBe('plain words');
    const zipped = await client.request({ method: 'GET', url: `${base}/gzip` });
    expect(zipped.body).toEqual({ zipped: 1 });
  });

  it('refuses loopback addresses that are not listed, naming the address and the fix', async () => {
    const client = allowed();
    await expect(client.request({ method: 'GET', url: `http://127.0.0.2:${port}/json` })).rejects.toThrow(
      'http.request: 127.0.0.2 is a loopback address; add it to SWITCHYARD_ALLOW_HOSTS to allow it',
    );
    await expect(client.request({ method: 'GET', url: `http://[::1]:${port}/json` })).rejects.toThrow(/::1 is a loopback address/);
    await expect(client.request({ method: 'GET', url: `http://[::ffff:127.0.0.2]:${port}/json` })).rejects.toThrow(/loopback/);
  });

  it('checks a host name after resolving it', async () => {
    const client = createHttpClient({ allowHosts: ['127.0.0.2'] });
    const error = await client.request({ method: 'GET', url: `http://localhost:${port}/json` }).catch((e) => e);
    expect(error).toBeInstanceOf(OutboundBlockedError);
    expect(error.message).toMatch(/localhost resolves to 127\.0\.0\.1, a loopback address; add localhost or 127\.0\.0\.1/);
    expect(error.retryable).toBe(false);
    // Listing the name itself lets it through.
    const byName = await createHttpClient({ allowHosts: ['localhost'] }).request({ method: 'GET', url: `http://localhost:${port}/json` });
    expect(byName.body).toEqual({ ok: true });
  });

  it('refuses a host when any of its addresses is refused', async () => {
    const client = createHttpClient({
      allowHosts: ['127.0.0.1'],
      resolve: async () => [
        { address: '127.0.0.1', family: 4 },
        { address: '169.254.169.254', family: 4 },
      ],
    });
    await expect(client.request({ method: 'GET', url: `http://two-faced.test:${port}/json` })).rejects.toThrow(
      /two-faced\.test resolves to 169\.254\.169\.254, a link-local address/,
    );
  });

  it('connects to the address it checked, so a second (rebinding) DNS answer is never used', async () => {
    const answers = ['127.0.0.1', '127.0.0.2'];
    let lookups = 0;
    const client = createHttpClient({
      allowHosts: ['127.0.0.1'],
      resolve: async () => [{ address: answers[Math.min(lookups++, 1)], family: 4 }],
    });
    const res = await client.request({ method: 'GET', url: `http://rebind.test:${port}/json` });
    expect(res.body).toEqual({ ok: true });
    expect(lookups).toBe(1);
    expect(seen.at(-1)!.headers.host).toBe(`rebind.test:${port}`);
  });

  it('keeps connections alive per checked address and client, and re-checks DNS on every request', async () => {
    const connections = new Set<string>();
    const track = (socket: import('node:net').Socket) => connections.add(`${socket.localAddress}:${socket.remotePort}`);
    server.on('connection', track);
    // The same port on a second loopback address: where the host name's second answer points.
    const other = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')).on('connection', track);
    await new Promise<void>((resolve) => other.listen(port, '127.0.0.3', resolve));
    try {
      const client = allowed();
      for (let i = 0; i < 3; i++) {
        expect((await client.request({ method: 'GET', url: `${base}/json` })).status).toBe(200);
        await turn();
      }
      expect(connections.size).toBe(1);
      // Another client (another allowlist) never borrows that socket.
      await allowed().request({ method: 'GET', url: `${base}/json` });
      await turn();
      expect(connections.size).toBe(2);

      // The same host name resolving to another allowed address gets its own connection; a refused one is still refused.
      const answers = ['127.0.0.1', '127.0.0.1', '127.0.0.3', '127.0.0.2'];
      let lookups = 0;
      const rebinding = createHttpClient({ allowHosts: ['127.0.0.1', '127.0.0.3'], resolve: async () => [{ address: answers[lookups++], family: 4 }] });
      await rebinding.request({ method: 'GET', url: `http://pooled.test:${port}/json` });
      await turn();
      await rebinding.request({ method: 'GET', url: `http://pooled.test:${port}/json` });
      await turn();
      expect(connections.size).toBe(3);
      await rebinding.request({ method: 'GET', url: `http://pooled.test:${port}/json` });
      await turn();
      expect(connections.size).toBe(4);
      expect([...connections].at(-1)).toMatch(/^127\.0\.0\.3:/);
      await expect(rebinding.request({ method: 'GET', url: `http://pooled.test:${port}/json` })).rejects.toThrow(/127\.0\.0\.2/);
      expect(lookups).toBe(4);
      rebinding.close();
    } finally {
      server.off('connection', track);
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('re-checks every redirect hop', async () => {
    const client = allowed();
    for (const target of [`http://127.0.0.2:${port}/json`, `http://[::1]:${port}/json`, `http://169.254.169.254/latest/meta-data/`]) {
      const before = seen.length;
      await expect(
        client.request({ method: 'GET', url: `${base}/redirect?to=${encodeURIComponent(target)}` }),
      ).rejects.toBeInstanceOf(OutboundBlockedError);
      expect(seen.length).toBe(before + 1); // only the first hop reached a server
    }
  });

  it('follows allowed redirects: 303 turns POST into GET, 307 keeps it; credentials stay on the same origin', async () => {
    const client = allowed();
    const after303 = await client.request({
      method: 'POST',
      url: `${base}/redirect?status=303&to=/json`,
      headers: { authorization: 'Bearer k' },
      body: 'x',
    });
    expect(after303.body).toEqual({ ok: true });
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/json', body: '' });
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer k');
    await client.request({ method: 'POST', url: `${base}/redirect?status=307&to=/json`, body: 'kept' });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', body: 'kept' });
  });

  it('drops credentials when a redirect leaves the origin', async () => {
    const client = createHttpClient({ allowHosts: ['127.0.0.1', 'localhost'] });
    await client.request({
      method: 'GET',
      url: `${base}/redirect?to=${encodeURIComponent(`http://localhost:${port}/json`)}`,
      headers: { Authorization: 'Bearer secret' },
    });
    expect(seen.at(-1)!.url).toBe('/json');
    expect(seen.at(-1)!.headers.authorization).toBeUndefined();
  });

  it('returns the redirect itself when asked not to follow, and stops after 5 hops', async () => {
    const client = allowed();
    const res = await client.request({ method: 'GET', url: `${base}/redirect?to=/json`, followRedirects: false });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/json');
    await expect(client.request({ method: 'GET', url: `${base}/loop` })).rejects.toThrow(/more than 5 redirects/);
  });

  it('refuses schemes other than http and https', async () => {
    await expect(allowed().request({ method: 'GET', url: 'file:///etc/passwd' })).rejects.toThrow(/only http and https URLs are allowed, not "file:"/);
    await expect(allowed().request({ method: 'GET', url: 'not a url' })).rejects.toThrow(/"not a url" is not a valid URL/);
  });

  it('limits the response body size, after decompression too', async () => {
    const client = createHttpClient({ allowHosts: ['127.0.0.1'], maxBodyBytes: 1000 });
    await expect(client.request({ method: 'GET', url: `${base}/big` })).rejects.toThrow(/larger than the 1000 byte limit/);
    await expect(client.request({ method: 'GET', url: `${base}/gzip-bomb` })).rejects.toThrow(/larger than the 1000 byte limit/);
  });

  it('takes the body limit from SWITCHYARD_HTTP_MAX_BODY_BYTES and names a bad value', async () => {
    const saved = process.env.SWITCHYARD_HTTP_MAX_BODY_BYTES;
    try {
      process.env.SWITCHYARD_HTTP_MAX_BODY_BYTES = '100';
      await expect(allowed().request({ method: 'GET', url: `${base}/big` })).rejects.toThrow(/larger than the 100 byte limit/);
      process.env.SWITCHYARD_HTTP_MAX_BODY_BYTES = '10MB';
      expect(() => allowed()).toThrow('SWITCHYARD_HTTP_MAX_BODY_BYTES must be a positive whole number of bytes, not "10MB"');
    } finally {
      if (saved === undefined) delete process.env.SWITCHYARD_HTTP_MAX_BODY_BYTES;
      else process.env.SWITCHYARD_HTTP_MAX_BODY_BYTES = saved;
    }
  });

  it('gives up when the caller aborts', async () => {
    const controller = new AbortController();
    const pending = allowed().request({ method: 'GET', url: `${base}/hang`, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toThrow(/was cancelled/);
  });

  it('gives up on a body that stops coming when the caller aborts, and names a connection lost mid-body', async () => {
    const controller = new AbortController();
    const pending = allowed().request({ method: 'GET', url: `${base}/stall`, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toThrow(/GET http:\/\/127\.0\.0\.1:\d+\/stall was cancelled/);
    await expect(allowed().request({ method: 'GET', url: `${base}/half-gzip` })).rejects.toThrow(/reading the response failed/);
  });

  it('leaves out framing headers a node cannot set, and sends the rest', async () => {
    const res = await allowed().request({
      method: 'POST',
      url: `${base}/json`,
      headers: { 'Transfer-Encoding': 'chunked', Expect: '100-continue', 'Keep-Alive': 'timeout=5', 'Content-Length': '999', 'X-Trace': 'abc' },
      body: '{"a":1}',
    });
    expect(res.status).toBe(200);
    const { headers, body } = seen.at(-1)!;
    expect(body).toBe('{"a":1}');
    expect(headers['x-trace']).toBe('abc');
    expect(headers['content-length']).toBe('7');
    expect(headers['transfer-encoding'] ?? headers.expect ?? headers['keep-alive']).toBeUndefined();
  });

  it('refuses a header value that would split the request, without sending it', async () => {
    const before = seen.length;
    await expect(allowed().request({ method: 'GET', url: `${base}/json`, headers: { 'x-bad': 'a\r\nx-injected: 1' } })).rejects.toThrow(
      /cannot send GET http:\/\/127\.0\.0\.1:\d+\/json: invalid x-bad header/,
    );
    expect(seen.length).toBe(before);
  });

  it('counts refused attempts by reason', async () => {
    const before = blockedOutboundCount();
    const linkLocalBefore = blockedOutboundCounts()['link-local'] ?? 0;
    await allowed().request({ method: 'GET', url: 'http://169.254.169.254/' }).catch(() => undefined);
    expect(blockedOutboundCount()).toBe(before + 1);
    expect(blockedOutboundCounts()['link-local']).toBe(linkLocalBefore + 1);
  });

  it('reads SWITCHYARD_ALLOW_HOSTS when the client is built', async () => {
    const saved = process.env.SWITCHYARD_ALLOW_HOSTS;
    try {
      process.env.SWITCHYARD_ALLOW_HOSTS = '127.0.0.0/8';
      const client = createHttpClient();
      process.env.SWITCHYARD_ALLOW_HOSTS = '';
      expect((await client.request({ method: 'GET', url: `${base}/json` })).status).toBe(200);
      await expect(createHttpClient().request({ method: 'GET', url: `${base}/json` })).rejects.toThrow(/127\.0\.0\.1 is a loopback address/);
    } finally {
      if (saved === undefined) delete process.env.SWITCHYARD_ALLOW_HOSTS;
      else process.env.SWITCHYARD_ALLOW_HOSTS = saved;
    }
  });
});
