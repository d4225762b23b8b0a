/**
 * The API takes JSON bodies only. `express.json()` quietly skips a body of
 * another type, so without this guard a scenario sent as curl's default
 * `application/x-www-form-urlencoded` was refused as "not a JSON object",
 * and a run started with a `text/plain` body ran with `{}` as its input and
 * no word of the text it was given. Refused with 415 at the door instead,
 * naming what came and what is taken. A request without a body (or with an
 * empty one) passes whatever its content type: there is nothing to misread,
 * and a run started that way keeps `{}` as its input.
 *
 * Webhooks (`/hooks`, forms welcome) and `/api/import` (any text) read their
 * bodies themselves and do not pass through here.
 */
import type { Request, RequestHandler } from 'express';
import { ApiError } from './errors';

/** The one body type the API parses: `express.json()` is given the same, so the guard and the parser agree. */
export const JSON_BODY_TYPE = 'application/json';

/** A body on these carries no meaning and is never read; on any other method it is the request's content. */
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A chunked body's length is unknown until read, so it counts as a body. */
function carriesBody(req: Request): boolean {
  if (BODYLESS_METHODS.has(req.method)) return false;
  if (req.headers['transfer-encoding'] !== undefined) return true;
  return Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * Before `express.json({ type: JSON_BODY_TYPE })`: refuses a non-empty body of another content type with 415.
 * @example app.use('/api', requireJsonBody(), express.json({ type: JSON_BODY_TYPE }));
 */
export function requireJsonBody(): RequestHandler {
  return (req, _res, next) => {
    if (!carriesBody(req) || req.is(JSON_BODY_TYPE)) return next();
    // The media type without its parameters, and never a whole oversized header echoed back.
    const received = (req.get('content-type') ?? '').split(';')[0].trim().slice(0, 100);
    const what = received ? `The body is ${received}` : 'The body has no content type';
    throw new ApiError(415, 'unsupported_media_type', `${what}; the API takes ${JSON_BODY_TYPE} (with curl, add -H 'content-type: ${JSON_BODY_TYPE}')`, [
      { path: 'headers.content-type', message: `Expected ${JSON_BODY_TYPE}${received ? `, got ${received}` : ''}` },
    ]);
  };
}
