/**
 * `http.request`: calls an HTTP API through the engine's guarded client
 * (loopback, private and reserved addresses refused unless listed in
 * SWITCHYARD_ALLOW_HOSTS). The output bundle is `{ status, headers, body }`.
 */
import { assertOkStatus } from '../../engine/http/status-error';
import { defineNode, expression, template, z } from '../sdk';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

const auth = z.discriminatedUnion('type', [
  z.object({ type: z.literal('bearer'), token: template("e.g. '{{ secrets.ML_TOKEN }}'") }),
  z.object({ type: z.literal('basic'), username: template(), password: template("e.g. '{{ secrets.API_PASSWORD }}'") }),
  z.object({ type: z.literal('header'), name: z.string().min(1), value: template("e.g. '{{ secrets.API_KEY }}'") }),
]);

export const httpRequestConfig = z.object({
  method: z.enum(METHODS).default('GET'),
  url: template('http(s) URL; may use {{ vars.NAME }}'),
  headers: z.record(z.string(), z.string()).optional(),
  query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional().describe('Added to the URL, encoded'),
  body: expression('JSONata; an object or array is sent as JSON, a string as text').optional(),
  timeoutMs: z.coerce.number().int().positive().max(600_000).optional().describe('Gives up after this long (the step timeout applies too)'),
  okStatuses: z
    .array(z.union([z.number().int().min(100).max(599), z.string().regex(/^[1-5][0-9x]{2}$/i, 'Use a status like 404 or a pattern like 2xx')]))
    .optional()
    .describe('Statuses that count as success; default any 2xx'),
  auth: auth.optional(),
  followRedirects: z.boolean().default(true),
});

export type HttpRequestConfig = z.output<typeof httpRequestConfig>;

/**
 * Builds the request URL with `query` appended; throws naming the URL when it is not http(s).
 *
 * @example requestUrl('https://api.example.com/items?a=1', { b: 2 }) // → 'https://api.example.com/items?a=1&b=2'
 */
export function requestUrl(url: string, query?: Record<string, string | number | boolean>): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw Object.assign(new Error(`http.request: url "${url}" is not a valid URL (config.url)`), { retryable: false });
  }
  for (const [key, value] of Object.entries(query ?? {})) parsed.searchParams.append(key, String(value));
  return parsed.href;
}

/**
 * Serialises a body value: strings go as text, everything else as JSON. Sets
 * a content type only when the config did not choose one.
 *
 * @example encodeBody({ userId: 'u1' }, headers) // → '{"userId":"u1"}', headers['content-type'] = 'application/json'
 */
export function encodeBody(value: unknown, headers: Record<string, string>): string | undefined {
  if (value === undefined || value === null) return undefined;
  const isText = typeof value === 'string';
  headers['content-type'] ??= isText ? 'text/plain; charset=utf-8' : 'application/json';
  return isText ? value : JSON.stringify(value);
}

function authHeaders(config: HttpRequestConfig['auth']): Record<string, string> {
  if (!config) return {};
  if (config.type === 'bearer') return { authorization: `Bearer ${config.token}` };
  if (config.type === 'basic') return { authorization: `Basic ${Buffer.from(`${config.username}:${config.password}`).toString('base64')}` };
  return { [config.name.toLowerCase()]: config.value };
}

export default defineNode({
  type: 'http.request',
  title: 'HTTP request',
  category: 'HTTP',
  description: 'Calls an HTTP API and outputs { status, headers, body }. Non-success statuses fail the step (retried per the node\'s retry policy).',
  config: httpRequestConfig,
  outbound: true,
  check: (config) => {
    if (config.url.includes('{{')) return [];
    try {
      const u = new URL(config.url);
      return u.protocol === 'http:' || u.protocol === 'https:' ? [] : [{ path: ['url'], message: `Only http and https URLs are allowed, not "${u.protocol}"` }];
    } catch {
      return [{ path: ['url'], message: `"${config.url}" is not a valid URL` }];
    }
  },
  run: async (ctx) => {
    const { config } = ctx;
    const url = requestUrl(config.url, config.query);
    const headers: Record<string, string> = {
      ...Object.fromEntries(Object.entries(config.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
      ...authHeaders(config.auth),
      // The same key on every attempt lets the receiving API drop a duplicate after a retry or worker crash.
      'idempotency-key': ctx.idempotencyKey,
    };
    const body = encodeBody(config.body, headers);
    const response = await ctx.http.request({ method: config.method, url, headers, body, signal: ctx.signal, timeoutMs: config.timeoutMs, followRedirects: config.followRedirects });
    assertOkStatus(response, { caller: 'http.request', method: config.method, url, okStatuses: config.okStatuses });
    return { output: response };
  },
});
