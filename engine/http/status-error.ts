/**
 * Turning an unwanted HTTP status into the error the engine's retry logic
 * understands: `retryAfterMs` from `Retry-After`, `retryable: false` for
 * client errors that will fail the same way again.
 */
import type { HttpResponse } from '../../nodes/sdk';

/** Client errors that may succeed on a later attempt (timeout, conflict, too early, rate limit). */
const RETRYABLE_4XX = new Set([408, 409, 425, 429]);

/** A response whose status the node did not accept. */
export class HttpStatusError extends Error {
  readonly status: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  /** The response body, for the step's error record. */
  readonly body: unknown;
  constructor(message: string, response: HttpResponse, retryAfterMs?: number) {
    super(message);
    this.name = 'HttpStatusError';
    this.status = response.status;
    this.body = response.body;
    this.retryable = !(response.status >= 400 && response.status < 500 && !RETRYABLE_4XX.has(response.status));
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Milliseconds to wait from a `Retry-After` value: delay-seconds or an HTTP date.
 *
 * @example
 * parseRetryAfter('3')                              // → 3000
 * parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT')  // → 0 (in the past)
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Accepted statuses: numbers, or patterns like `2xx`, `30x`. */
export type OkStatuses = ReadonlyArray<number | string>;

/**
 * True when `status` is one of `ok` (default: any 2xx).
 *
 * @example isOkStatus(404, [200, '4xx']) // → true
 */
export function isOkStatus(status: number, ok: OkStatuses = ['2xx']): boolean {
  const text = String(status);
  return ok.some((entry) =>
    typeof entry === 'number' ? entry === status : [...entry.toLowerCase()].every((c, i) => c === 'x' || c === text[i]) && entry.length === 3,
  );
}

function describeBody(body: unknown): string {
  if (body === undefined || body === null || body === '') return '';
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return `: ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`;
}

/**
 * Throws {@link HttpStatusError} unless the response status is accepted.
 * The URL is shown without its query string, which may carry keys.
 *
 * @example assertOkStatus(response, { caller: 'braze.users.track', method: 'POST', url })
 */
export function assertOkStatus(
  response: HttpResponse,
  where: { caller: string; method: string; url: string; okStatuses?: OkStatuses },
): void {
  if (isOkStatus(response.status, where.okStatuses)) return;
  const retryAfterMs = response.status === 429 || response.status === 503 ? parseRetryAfter(response.headers['retry-after']) : undefined;
  let shown = where.url;
  try {
    const u = new URL(where.url);
    shown = `${u.origin}${u.pathname}`;
  } catch {
    // keep the text as given
  }
  throw new HttpStatusError(
    `${where.caller}: ${where.method.toUpperCase()} ${shown} answered ${response.status}${describeBody(response.body)}`,
    response,
    retryAfterMs,
  );
}
