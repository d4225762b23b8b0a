/**
 * Every error the service answers with has one shape:
 * `{ "error": { "code", "message", "issues": [{ "path", "message" }] } }`.
 * Routes throw `ApiError`; the one error middleware turns anything thrown
 * (including body-parser failures) into that shape.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type pino from 'pino';
import { z } from 'zod';
import { VarOverrideError } from '../runtime/var-overrides';
import { InvalidCursorError } from '../store/cursor';
import { NotFoundError } from '../store/store';

export interface ApiIssue {
  path: string;
  message: string;
  [extra: string]: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ApiIssue[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * Issues from a zod error, each path prefixed with where the value came from (`body`, `query`).
 * @example zodIssues(result.error, 'query') // [{ path: 'query.limit', message: 'Too big: …' }]
 */
export function zodIssues(error: z.ZodError, prefix?: string): ApiIssue[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)',
    message: issue.message,
  }));
}

/**
 * Parses `value` with `schema` or throws a 400 naming every bad field.
 * @example const { limit } = parseOr400(listQuery, req.query, 'query');
 */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ApiError(400, 'invalid_request', `Invalid ${prefix}`, zodIssues(result.error, prefix));
  return result.data;
}

export const notFoundHandler: RequestHandler = (req) => {
  throw new ApiError(404, 'not_found', `No route for ${req.method} ${req.path}`);
};

/** Body-parser errors carry `type` and `status`; map the ones a client causes. */
function fromParserError(error: { type?: string; status?: number; message?: string; limit?: number }): ApiError | undefined {
  switch (error.type) {
    case 'entity.parse.failed':
      return new ApiError(400, 'invalid_json', `Request body is not valid JSON: ${error.message}`, [{ path: 'body', message: error.message ?? 'invalid JSON' }]);
    case 'entity.too.large':
      return new ApiError(413, 'payload_too_large', `Request body is larger than the limit of ${error.limit} bytes`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError(415, 'unsupported_encoding', error.message ?? 'Unsupported body encoding');
    default:
      if (error.status === 404) return new ApiError(404, 'not_found', 'Not found');
      return error.status && error.status >= 400 && error.status < 500 ? new ApiError(error.status, 'bad_request', error.message ?? 'Bad request') : undefined;
  }
}

/**
 * A `SWITCHYARD_VAR_<NAME>` of this server's environment that does not read as the type of the var it
 * overrides: no run of the scenario can start until an operator fixes it (the environment is read once,
 * at start). 503, as for secrets without a key: the server is misconfigured, the request is sound — a
 * webhook sender retries a 5xx rather than dropping the event, and it shows in the operator's 5xx alerts.
 * Not a bare 500 "Internal server error": the message names the variable and the type it must read as.
 */
function varOverrideRefusal(error: VarOverrideError): ApiError {
  return new ApiError(
    503,
    'var_override_invalid',
    `Cannot run the scenario: ${error.message}. ${error.variable} is set in the server's environment; set it to ${error.expected} or unset it, and restart the server`,
    [{ path: error.setting, message: error.message, variable: error.variable, expected: error.expected }],
  );
}

/**
 * @example app.use(errorHandler(logger));
 */
export function errorHandler(logger?: pino.Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    let api: ApiError;
    if (error instanceof ApiError) api = error;
    else if (error instanceof NotFoundError) api = new ApiError(404, 'not_found', error.message);
    else if (error instanceof VarOverrideError) api = varOverrideRefusal(error);
    else if (error instanceof InvalidCursorError) api = new ApiError(400, error.code, error.message, [{ path: 'query.cursor', message: error.message }]);
    else api = fromParserError(error) ?? new ApiError(500, 'internal', 'Internal server error');
    if (api.status >= 500) logger?.error({ err: error, method: req.method, path: req.path }, 'request failed');
    if (res.headersSent) return res.end();
    res.status(api.status).set(api.headers).json({ error: { code: api.code, message: api.message, issues: api.issues } });
  };
}
