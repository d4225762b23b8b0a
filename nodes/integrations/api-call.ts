/**
 * What the integration nodes share when they call a JSON API: finding the
 * API key (config template or a named secret), joining the base URL, and one
 * guarded POST with bearer auth, the step's idempotency key, its signal and
 * the same status handling as `http.request`.
 */
import { assertOkStatus } from '../../engine/http/status-error';
import type { HttpResponse, NodeContext } from '../sdk';

/**
 * Raises a configuration error the engine will not retry.
 *
 * @example throw configError('braze.users.track', 'campaignId is empty')
 */
export function configError(caller: string, message: string): Error {
  return Object.assign(new Error(`${caller}: ${message}`), { retryable: false });
}

/**
 * The API key from `config.apiKey` (usually `{{ secrets.NAME }}`), else from the secret `secretName`.
 *
 * @example const key = apiKeyFrom(ctx, config.apiKey, 'BRAZE_API_KEY', 'braze.users.track')
 */
export function apiKeyFrom(ctx: NodeContext<unknown>, configured: string | undefined, secretName: string, caller: string): string {
  const key = configured?.trim() || ctx.secrets[secretName];
  if (!key) {
    throw configError(caller, `no API key: set config.apiKey (e.g. "{{ secrets.${secretName} }}") or define the secret ${secretName}`);
  }
  return key;
}

/**
 * Joins a configured base URL and an API path, refusing a base that is not http(s).
 *
 * @example apiUrl('https://rest.iad-01.braze.com/', '/users/track', 'braze.users.track') // → 'https://rest.iad-01.braze.com/users/track'
 */
export function apiUrl(base: string, path: string, caller: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw configError(caller, `baseUrl "${base}" is not a valid URL (config.baseUrl)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw configError(caller, `baseUrl must be http or https, not "${url.protocol}"`);
  return `${url.href.replace(/\/+$/, '')}${path}`;
}

export interface JsonPost {
  caller: string;
  url: string;
  bearer: string;
  body: unknown;
  timeoutMs?: number;
}

/**
 * POSTs JSON through the guarded client and throws an `HttpStatusError`
 * (with `retryAfterMs` / `retryable`) unless the answer is 2xx.
 *
 * @example const res = await postJson(ctx, { caller: 'push.send', url, bearer: key, body: { to, title, body } })
 */
export async function postJson(ctx: NodeContext<unknown>, post: JsonPost): Promise<HttpResponse> {
  const response = await ctx.http
    .request({
    method: 'POST',
    url: post.url,
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      authorization: `Bearer ${post.bearer}`,
      'idempotency-key': ctx.idempotencyKey,
    },
    body: JSON.stringify(post.body),
    signal: ctx.signal,
    timeoutMs: post.timeoutMs,
  })
    .catch((error: Error) => {
      // The client speaks as http.request; the user reads the node type they placed.
      if (typeof error?.message === 'string') error.message = error.message.replace(/^http\.request:/, `${post.caller}:`);
      throw error;
    });
  assertOkStatus(response, { caller: post.caller, method: 'POST', url: post.url });
  return response;
}
