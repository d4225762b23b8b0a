/**
 * Webhook signatures, checked over the raw body in constant time.
 * `sha1`: Segment's `X-Signature: <hex HMAC-SHA1>`. `sha256`: `X-Signature-256`
 * or GitHub's `X-Hub-Signature-256`, hex HMAC-SHA256, optionally prefixed `sha256=`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export type SignatureAlgorithm = 'sha1' | 'sha256';

const HEADERS: Record<SignatureAlgorithm, string[]> = {
  sha1: ['x-signature'],
  sha256: ['x-signature-256', 'x-hub-signature-256'],
};

/**
 * @example signBody('sha1', 'key', rawBody) // '5d41…' (what Segment sends in X-Signature)
 */
export function signBody(algorithm: SignatureAlgorithm, secret: string, body: Buffer | string): string {
  return createHmac(algorithm, secret).update(body).digest('hex');
}

/**
 * Why a request fails verification, or undefined when it passes.
 * @example verifySignature('sha256', secret, req.headers, raw) // undefined | 'X-Signature-256 does not match the body'
 */
export function verifySignature(algorithm: SignatureAlgorithm, secret: string, headers: IncomingHttpHeaders, body: Buffer): string | undefined {
  const names = HEADERS[algorithm];
  const name = names.find((h) => typeof headers[h] === 'string');
  if (!name) return `Missing signature header (${names.join(' or ')})`;
  const given = (headers[name] as string).trim().replace(/^sha(1|256)=/i, '');
  const expected = Buffer.from(signBody(algorithm, secret, body), 'hex');
  const received = /^[0-9a-fA-F]+$/.test(given) ? Buffer.from(given, 'hex') : Buffer.alloc(0);
  // timingSafeEqual needs equal lengths; a wrong length is a mismatch, compared against itself to spend the same time.
  const same = received.length === expected.length ? timingSafeEqual(received, expected) : !timingSafeEqual(expected, expected);
  return same ? undefined : `${name} does not match the body`;
}

/** Headers that must not reach a run record: credentials and signatures. */
const REDACTED_HEADERS = /^(authorization|proxy-authorization|cookie|set-cookie|x-signature.*|x-hub-signature.*|x-api-key)$/i;

/**
 * The request headers as a run may see them (`run.request.headers`).
 * @example redactHeaders({ authorization: 'Bearer x', 'x-signature': 'ab' }) // { authorization: '[redacted]', 'x-signature': '[redacted]' }
 */
export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = REDACTED_HEADERS.test(name) ? '[redacted]' : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
