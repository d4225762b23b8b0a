/**
 * The guarded HTTP client every outbound node receives as `ctx.http`.
 * Each hop — the first request and every redirect — is resolved and checked
 * by the {@link OutboundGuard}, and the socket connects to the very address
 * that was checked, so neither a redirect nor a rebinding DNS answer can
 * steer a request to a refused address.
 */
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import type { HttpClient, HttpRequest, HttpResponse } from '../../nodes/sdk';
import { ConnectionPool } from './connection-pool';
import { withDeadline } from './deadline';
import { OutboundGuard, type OutboundGuardOptions } from './guard';

export interface HttpClientOptions extends OutboundGuardOptions {
  /** Largest response body accepted, after decompression. Default `SWITCHYARD_HTTP_MAX_BODY_BYTES`, else 10 MB. */
  maxBodyBytes?: number;
  /** Redirects followed before giving up. Default 5. */
  maxRedirects?: number;
  /** Upper bound for one request including redirects, when the caller gives no shorter signal. Default 60 s. */
  timeoutMs?: number;
  /** Prefix of error messages. Default `http.request`. */
  caller?: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const DEFAULT_MAX_BODY = 10 * 1024 * 1024;

/** Headers that must not follow a redirect to another origin. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

interface Hop {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

function lowerCaseKeys(headers: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) flat[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function decode(text: string, contentType: string | undefined): unknown {
  if (!contentType || !/[/+]json\b/i.test(contentType)) return text;
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    // A server that mislabels its error page should still show the page.
    return text;
  }
}

export class GuardedHttpClient implements HttpClient {
  readonly guard: OutboundGuard;
  private readonly maxBodyBytes: number;
  private readonly maxRedirects: number;
  private readonly timeoutMs: number;
  private readonly caller: string;
  private readonly pool = new ConnectionPool();

  /**
   * @example const http = new GuardedHttpClient({ allowHosts: ['127.0.0.1'] });
   */
  constructor(options: HttpClientOptions = {}) {
    this.guard = new OutboundGuard(options);
    this.maxBodyBytes = options.maxBodyBytes ?? maxBodyFromEnv();
    this.maxRedirects = options.maxRedirects ?? 5;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.caller = options.caller ?? 'http.request';
  }

  /**
   * Sends a request, following redirects (unless `followRedirects: false`)
   * with every hop re-checked.
   *
   * @example const { status, body } = await http.request({ method: 'GET', url: 'https://api.example.com/users/1' });
   */
  async request(req: HttpRequest): Promise<HttpResponse> {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      throw Object.assign(new Error(`${this.caller}: "${req.url}" is not a valid URL`), { retryable: false });
    }
    const limitMs = Math.min(req.timeoutMs ?? Infinity, this.timeoutMs);
    const deadline = withDeadline(req.signal, limitMs, () => new DOMException(`no answer within ${limitMs} ms`, 'TimeoutError'), { unref: true });
    try {
      let hop: Hop = { url, method: (req.method || 'GET').toUpperCase(), headers: lowerCaseKeys(req.headers), body: req.body };
      for (let redirects = 0; ; redirects++) {
        const response = await this.send(hop, deadline.signal);
        const location = response.headers.location;
        if (!REDIRECTS.has(response.status) || !location || req.followRedirects === false) return response;
        if (redirects >= this.maxRedirects) {
          throw new Error(`${this.caller}: more than ${this.maxRedirects} redirects, last to ${location}`);
        }
        hop = this.nextHop(hop, response.status, location);
      }
    } finally {
      deadline.done();
    }
  }

  /** Builds the follow-up request the way browsers do (303, and 301/302 after POST, become GET). */
  private nextHop(previous: Hop, status: number, location: string): Hop {
    let url: URL;
    try {
      url = new URL(location, previous.url);
    } catch {
      throw new Error(`${this.caller}: redirect to an invalid URL "${location}"`);
    }
    const headers = { ...previous.headers };
    if (url.origin !== previous.url.origin) for (const name of CREDENTIAL_HEADERS) delete headers[name];
    const toGet = status === 303 ? previous.method !== 'HEAD' : (status === 301 || status === 302) && previous.method === 'POST';
    if (!toGet) return { url, method: previous.method, headers, body: previous.body };
    delete headers['content-type'];
    delete headers['content-length'];
    return { url, method: 'GET', headers };
  }

  /** Closes the pooled keep-alive connections. */
  close(): void {
    this.pool.close();
  }

  private async send(hop: Hop, signal: AbortSignal): Promise<HttpResponse> {
    const { url } = hop;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw Object.assign(new Error(`${this.caller}: only http and https URLs are allowed, not "${url.protocol}" (${url.href})`), { retryable: false });
    }
    const [target] = await this.guard.check(url.hostname, this.caller);
    signal.throwIfAborted();
    return new Promise<HttpResponse>((resolve, reject) => {
      // Named without an arrow, and `onAbort` from a method: see `logAt` in engine/runtime/executor.ts.
      const fail: (error: Error) => void = reject;
      const request = (url.protocol === 'https:' ? https : http).request(
        url,
        {
          method: hop.method,
          headers: {
            'user-agent': 'Switchyard',
            'accept-encoding': 'gzip, deflate, br',
            ...hop.headers,
            ...(hop.body !== undefined ? { 'content-length': String(Buffer.byteLength(hop.body)) } : {}),
          },
          // Pooled per checked address, within this client: the socket goes where the guard said.
          agent: this.pool.agentFor({ protocol: url.protocol === 'https:' ? 'https:' : 'http:', hostname: url.hostname, port: url.port, target }),
        },
        (res) => this.readResponse(res, hop, resolve, fail),
      );
      const onAbort = this.aborter(request, hop, signal);
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      request.on('close', () => signal.removeEventListener('abort', onAbort));
      request.on('error', (error: NodeJS.ErrnoException) => {
        fail(error.code ? new Error(`${this.caller}: cannot reach ${url.origin} (${error.code}: ${error.message})`) : error);
      });
      if (hop.body !== undefined) request.write(hop.body);
      request.end();
    });
  }

  /** Ends a request whose signal aborted, with an error that says whether time ran out. */
  private aborter(request: http.ClientRequest, hop: Hop, signal: AbortSignal): () => void {
    return () => {
      const reason = signal.reason as Error | undefined;
      const timedOut = reason?.name === 'TimeoutError';
      const { url } = hop;
      request.destroy(
        new Error(
          timedOut
            ? `${this.caller}: ${hop.method} ${url.origin}${url.pathname} got no answer in time`
            : `${this.caller}: ${hop.method} ${url.origin}${url.pathname} was cancelled`,
        ),
      );
    };
  }

  private readResponse(res: http.IncomingMessage, hop: Hop, resolve: (r: HttpResponse) => void, fail: (e: Error) => void): void {
    const headers = flattenHeaders(res.headers);
    const status = res.statusCode ?? 0;
    const encoding = (headers['content-encoding'] ?? '').toLowerCase();
    const stream =
      encoding === 'gzip' || encoding === 'x-gzip'
        ? res.pipe(zlib.createGunzip())
        : encoding === 'deflate'
          ? res.pipe(zlib.createInflate())
          : encoding === 'br'
            ? res.pipe(zlib.createBrotliDecompress())
            : res;
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > this.maxBodyBytes) {
        res.destroy();
        stream.destroy();
        fail(
          Object.assign(
            new Error(`${this.caller}: the response of ${hop.url.origin}${hop.url.pathname} is larger than the ${this.maxBodyBytes} byte limit`),
            { retryable: false },
          ),
        );
        return;
      }
      chunks.push(chunk);
    });
    stream.on('error', (error) => fail(new Error(`${this.caller}: reading the response failed: ${error.message}`)));
    res.on('close', () => {
      if (!res.complete) fail(new Error(`${this.caller}: the connection closed before the response was complete`));
    });
    stream.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({ status, headers, body: hop.method === 'HEAD' ? '' : decode(text, headers['content-type']) });
    });
  }
}

function maxBodyFromEnv(): number {
  const text = process.env.SWITCHYARD_HTTP_MAX_BODY_BYTES;
  if (!text) return DEFAULT_MAX_BODY;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`SWITCHYARD_HTTP_MAX_BODY_BYTES must be a positive whole number of bytes, not "${text}"`);
  return value;
}

/**
 * Creates the guarded client. `allowHosts` defaults to the comma-separated
 * `SWITCHYARD_ALLOW_HOSTS`, read now (not at import), so a process that
 * changes it builds a new client.
 *
 * @example
 * const http = createHttpClient({ allowHosts: ['127.0.0.1'] });
 * const res = await http.request({ method: 'POST', url: 'http://127.0.0.1:4010/predict', body: '{}' });
 */
export function createHttpClient(options: HttpClientOptions = {}): GuardedHttpClient {
  return new GuardedHttpClient(options);
}

/**
 * The guard behind a client: its own for a {@link GuardedHttpClient}, else
 * one built from the environment. Nodes that speak other protocols (SMTP)
 * use it so one allowlist governs every way out.
 *
 * @example const [target] = await outboundGuardOf(ctx.http).check(config.host, 'email.send');
 */
export function outboundGuardOf(client: HttpClient | undefined): OutboundGuard {
  return client instanceof GuardedHttpClient ? client.guard : new OutboundGuard();
}
