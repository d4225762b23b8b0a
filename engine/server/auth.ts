/**
 * `SWITCHYARD_API_TOKEN` protects `/api` and the queue dashboard. Clients
 * send `Authorization: Bearer <token>`; browsers opening the dashboard may
 * use Basic auth with the token as password (they prompt for it); the SSE
 * endpoints also take `?access_token=` because `EventSource` cannot set headers.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { ApiError } from './errors';

// Hashing first gives equal-length buffers, so the comparison leaks neither content nor length.
const digest = (text: string) => createHash('sha256').update(text).digest();

function presented(req: Request, options: { allowBasic?: boolean; allowQuery?: boolean }): string | undefined {
  const header = req.get('authorization') ?? '';
  const bearer = header.match(/^Bearer\s+(.+)$/i);
  if (bearer) return bearer[1].trim();
  const basic = header.match(/^Basic\s+(.+)$/i);
  if (basic && options.allowBasic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1);
  }
  if (options.allowQuery && typeof req.query.access_token === 'string') return req.query.access_token;
  return undefined;
}

export interface TokenAuthOptions {
  /** Accept Basic auth (password = token) and answer with a Basic challenge, for browser pages. */
  allowBasic?: boolean;
  /** Accept `?access_token=` for this request (SSE). */
  allowQuery?: (req: Request) => boolean;
  /** Requests let through without a token (health checks). */
  skip?: (req: Request) => boolean;
}

/**
 * Passes every request when no token is configured.
 * @example app.use('/api', tokenAuth(process.env.SWITCHYARD_API_TOKEN));
 */
export function tokenAuth(token: string | undefined, options: TokenAuthOptions = {}): RequestHandler {
  if (!token) return (_req, _res, next) => next();
  const expected = digest(token);
  return (req, _res, next) => {
    if (options.skip?.(req)) return next();
    const given = presented(req, { allowBasic: options.allowBasic, allowQuery: options.allowQuery?.(req) });
    if (given !== undefined && timingSafeEqual(digest(given), expected)) return next();
    const challenge = options.allowBasic ? 'Basic realm="Switchyard", charset="UTF-8"' : 'Bearer realm="Switchyard"';
    throw new ApiError(401, 'unauthorized', given === undefined ? 'Authorization: Bearer <SWITCHYARD_API_TOKEN> is required' : 'The API token is wrong', [], {
      'WWW-Authenticate': challenge,
    });
  };
}
