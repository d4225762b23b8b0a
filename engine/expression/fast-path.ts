/**
 * The shapes most scenario expressions take — a field path (`input.segment`,
 * `{{ steps.n14.output.email }}`, `vars.ML_URL`) and a router label's
 * comparison (`value = "page"`, `value > 0.7`) — read straight off the
 * scope, without JSONata's evaluator. JSONata evaluates through a chain of
 * promises, environments and sequences; for these shapes that was most of a
 * step's expression cost (docs/performance.md).
 *
 * Only what plainly gives JSONata's own answer is taken: a path through plain
 * objects ending in a value that is not an array, and comparisons of two
 * primitives. Anything else (an array on the way, a missing operand, mixed
 * types, a key from the prototype) answers {@link FALL_BACK}, and JSONata
 * evaluates as before — so results and errors stay JSONata's.
 */

/** Returned when the fast path cannot give JSONata's answer itself. */
export const FALL_BACK: unique symbol = Symbol('fall back to JSONata');

export type FastEvaluator = (scope: Record<string, unknown>) => unknown;

interface Node {
  type: string;
  value?: unknown;
  steps?: Node[];
  lhs?: Node;
  rhs?: Node;
  [key: string]: unknown;
}

/** Node properties that mean nothing beyond a plain name or path (JSONata adds `position` everywhere). */
const only = (node: Node, keys: string[]) => Object.keys(node).every((k) => k === 'position' || keys.includes(k));

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

function pathEvaluator(node: Node): FastEvaluator | undefined {
  if (node.type !== 'path' || !only(node, ['type', 'steps']) || !node.steps?.length) return undefined;
  const names: string[] = [];
  for (const step of node.steps) {
    if (step.type !== 'name' || typeof step.value !== 'string' || !only(step, ['type', 'value'])) return undefined;
    names.push(step.value);
  }
  return (scope) => {
    let value: unknown = scope;
    for (const name of names) {
      if (value === undefined || value === null || typeof value !== 'object') return undefined;
      if (!isPlainObject(value)) return FALL_BACK;
      if (!Object.hasOwn(value, name)) return name in value ? FALL_BACK : undefined;
      value = value[name];
    }
    return Array.isArray(value) || typeof value === 'function' ? FALL_BACK : value;
  };
}

function literal(node: Node): { value: unknown } | undefined {
  if (!only(node, ['type', 'value'])) return undefined;
  if (node.type === 'string' || node.type === 'number') return { value: node.value };
  if (node.type === 'value' && (node.value === true || node.value === false || node.value === null)) return { value: node.value };
  return undefined;
}

const isPrimitive = (v: unknown) => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const COMPARISONS = new Set(['=', '!=', '<', '<=', '>', '>=']);

function comparisonEvaluator(node: Node): FastEvaluator | undefined {
  if (node.type !== 'binary' || !COMPARISONS.has(node.value as string) || !node.lhs || !node.rhs || !only(node, ['type', 'value', 'lhs', 'rhs'])) return undefined;
  const operand = (side: Node): FastEvaluator | undefined => {
    const constant = literal(side);
    if (constant) return () => constant.value;
    return pathEvaluator(side);
  };
  const lhs = operand(node.lhs);
  const rhs = operand(node.rhs);
  if (!lhs || !rhs) return undefined;
  const op = node.value as string;
  return (scope) => {
    const a = lhs(scope);
    const b = rhs(scope);
    if (!isPrimitive(a) || !isPrimitive(b)) return FALL_BACK;
    if (op === '=') return a === b;
    if (op === '!=') return a !== b;
    // JSONata orders two numbers or two strings; anything else is its error to raise.
    if (!((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string'))) return FALL_BACK;
    const x = a as number | string;
    const y = b as number | string;
    return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
  };
}

/**
 * A direct evaluator for a parsed expression, when its shape has one.
 *
 * @example fastEvaluator(jsonata('input.segment').ast())?.({ input: { segment: 'vip' } }) // → 'vip'
 */
export function fastEvaluator(ast: unknown): FastEvaluator | undefined {
  const node = ast as Node;
  if (!node || typeof node !== 'object') return undefined;
  return pathEvaluator(node) ?? comparisonEvaluator(node);
}
