/**
 * The guarded HTTP client every outbound node receives as `ctx.http`.
 * Each hop — the first request and every redirect — is resolved and checked
 * by the {@link OutboundGuard}, and the socket connects to the very address
 * that was checked, so neither a redirect nor a rebinding DNS answer can
 * steer a request to a refused address.
 */
import { pipeline, type Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';
import type { Dispatcher } from 'undici';
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

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
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
    // Pooled per checked address, within this client: the socket goes where the guard said.
    const pool = this.pool.poolFor({ protocol: url.protocol, host: url.host, target });
    let response: Dispatcher.ResponseData;
    try {
      response = await pool.request({
        path: url.pathname + url.search,
        method: hop.method as Dispatcher.HttpMethod,
        headers: requestHeaders(hop),
        body: hop.body,
        signal,
      });
    } catch (error) {
      throw this.failure(error as NodeJS.ErrnoException, hop, signal);
    }
    return this.readResponse(response, hop, signal);
  }

  /** Names what went wrong: time ran out, the caller cancelled, the request was malformed, or the server could not be reached. */
  private failure(error: NodeJS.ErrnoException, hop: Hop, signal: AbortSignal): Error {
    const { url } = hop;
    if (signal.aborted) {
      const timedOut = (signal.reason as Error | undefined)?.name === 'TimeoutError';
      return new Error(`${this.caller}: ${hop.method} ${url.origin}${url.pathname} ${timedOut ? 'got no answer in time' : 'was cancelled'}`);
    }
    if (error.code === 'UND_ERR_INVALID_ARG' || error.code === 'UND_ERR_NOT_SUPPORTED') {
      return Object.assign(new Error(`${this.caller}: cannot send ${hop.method} ${url.origin}${url.pathname}: ${error.message}`), { retryable: false });
    }
    return error.code ? new Error(`${this.caller}: cannot reach ${url.origin} (${error.code}: ${error.message})`) : error;
  }

  private async readResponse(response: Dispatcher.ResponseData, hop: Hop, signal: AbortSignal): Promise<HttpResponse> {
    const headers = flattenHeaders(response.headers);
    const { body } = response;
    const encoding = (headers['content-encoding'] ?? '').toLowerCase();
    const stream =
      encoding === 'gzip' || encoding === 'x-gzip'
        ? inflated(body, zlib.createGunzip())
        : encoding === 'deflate'
          ? inflated(body, zlib.createInflate())
          : encoding === 'br'
            ? inflated(body, zlib.createBrotliDecompress())
            : body;
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > this.maxBodyBytes) break; // leaving the loop destroys the stream, and the pipeline the body
        chunks.push(chunk);
      }
    } catch (error) {
      body.destroy();
      if (signal.aborted) throw this.failure(error as Error, hop, signal);
      throw new Error(`${this.caller}: reading the response failed: ${(error as Error).message}`, { cause: error });
    }
    if (size > this.maxBodyBytes) {
      body.destroy();
      throw Object.assign(
        new Error(`${this.caller}: the response of ${hop.url.origin}${hop.url.pathname} is larger than the ${this.maxBodyBytes} byte limit`),
        { retryable: false },
      );
    }
    const text = Buffer.concat(chunks).toString('utf8');
    return { status: response.statusCode, headers, body: hop.method === 'HEAD' ? '' : decode(text, headers['content-type']) };
  }
}

/** The body through a decompressor; `pipeline` carries a connection lost mid-body into the decompressor instead of leaving it waiting. */
function inflated(body: Readable, decompressor: Transform): Readable {
  return pipeline(body, decompressor, () => undefined);
}

/** Set by the client from the body, or hop-by-hop: not a node's to send. */
const FRAMING_HEADERS = new Set(['transfer-encoding', 'keep-alive', 'upgrade', 'expect', 'content-length']);

/**
 * The headers sent on one hop. The framing headers (`transfer-encoding`,
 * `keep-alive`, `upgrade`, `expect`) are left out rather than refused, as a
 * browser's `fetch` does, and `content-length` is always the body's own.
 */
function requestHeaders(hop: Hop): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': 'Switchyard', 'accept-encoding': 'gzip, deflate, br' };
  for (const [name, value] of Object.entries(hop.headers)) if (!FRAMING_HEADERS.has(name)) headers[name] = value;
  if (hop.body !== undefined) headers['content-length'] = String(Buffer.byteLength(hop.body));
  return headers;
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
