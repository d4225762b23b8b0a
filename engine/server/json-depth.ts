/**
 * A limit on how deeply a request's JSON may nest. `JSON.parse` takes
 * 100,000 levels in its stride, but everything after it — validation, the
 * run's state snapshots, history writes — recurses, and would overflow the
 * stack on such a bundle: a scenario save would answer 500, and an accepted
 * run would fail its segment over and over. Refused at the door instead.
 */
import type { RequestHandler } from 'express';
import { ApiError } from './errors';

/** Deeper than any scenario or event payload needs; far below where recursion breaks. */
export const MAX_JSON_DEPTH = 256;

/**
 * The depth of a parsed JSON value (a scalar is 0), counted without recursion, stopping once past `limit`.
 * @example jsonDepth({ a: [1] }) // → 2
 */
export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) if (child !== null && typeof child === 'object') stack.push([child, level]);
  }
  return deepest;
}

/**
 * Throws 400 naming `where` when `value` nests deeper than `limit`.
 * @example assertJsonDepth(JSON.parse(text), 'body');
 */
export function assertJsonDepth(value: unknown, where: string, limit = MAX_JSON_DEPTH): void {
  if (jsonDepth(value, limit) > limit) {
    throw new ApiError(400, 'too_deep', `The JSON in the ${where} nests deeper than ${limit} levels`, [{ path: where, message: `Nested deeper than ${limit} levels` }]);
  }
}

/**
 * After `express.json()`: refuses bodies nested too deeply.
 * @example app.use('/api', express.json(), jsonDepthGuard());
 */
export function jsonDepthGuard(limit = MAX_JSON_DEPTH): RequestHandler {
  return (req, _res, next) => {
    assertJsonDepth(req.body, 'body', limit);
    next();
  };
}
