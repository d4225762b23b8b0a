/**
 * The shapes most scenario expressions take — a field path (`input.segment`,
 * `{{ steps.n14.output.email }}`, `vars.ML_URL`), a router label's
 * comparison (`value = "page"`, `value > 0.7`), and an object or array built
 * of those (`{ "email": input.email, "segment": input.segment }`,
 * `$merge([input, { "content": "default" }])`) — read straight off the
 * scope, without JSONata's evaluator. JSONata evaluates through a chain of
 * promises, environments and sequences; for these shapes that was most of a
 * step's expression cost (docs/performance.md).
 *
 * Only what plainly gives JSONata's own answer is taken: a path through plain
 * objects ending in a value that is not an array, comparisons of two
 * primitives, objects with literal keys, arrays, and `$merge` of objects.
 * Anything else (an array on the way, a missing operand, mixed types, a key
 * from the prototype, a non-object to merge) answers {@link FALL_BACK}, and
 * JSONata evaluates as before — so results and errors stay JSONata's.
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

/** JSON's objects, and JSONata's own: its object constructors and `$merge` build theirs with `Object.create(null)`. */
const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

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


const isPrimitive = (v: unknown) => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const COMPARISONS = new Set(['=', '!=', '<', '<=', '>', '>=']);

function comparisonEvaluator(node: Node): FastEvaluator | undefined {
  if (node.type !== 'binary' || !COMPARISONS.has(node.value as string) || !node.lhs || !node.rhs || !only(node, ['type', 'value', 'lhs', 'rhs'])) return undefined;
  const operand = (side: Node): FastEvaluator | undefined => literalEvaluator(side) ?? pathEvaluator(side);
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

/** A string, number, `true`, `false` or `null` written in the expression. */
function literalEvaluator(node: Node): FastEvaluator | undefined {
  if (!only(node, ['type', 'value'])) return undefined;
  const constant = node.value;
  const isLiteral = node.type === 'string' || node.type === 'number' || (node.type === 'value' && (constant === true || constant === false || constant === null));
  return isLiteral ? () => constant : undefined;
}

/**
 * `{ "key": value, … }` with literal, distinct keys (JSONata raises D1009 on a
 * repeated one). Like JSONata's, the object has no prototype and leaves out a
 * key whose value is undefined.
 */
function objectEvaluator(node: Node): FastEvaluator | undefined {
  if (node.type !== 'unary' || node.value !== '{' || !Array.isArray(node.lhs) || !only(node, ['type', 'value', 'lhs'])) return undefined;
  const entries: Array<[string, FastEvaluator]> = [];
  for (const pair of node.lhs as unknown as Node[][]) {
    const [key, value] = pair;
    if (pair.length !== 2 || key.type !== 'string' || !only(key, ['type', 'value'])) return undefined;
    if (entries.some(([k]) => k === key.value)) return undefined;
    const evaluate = fastEvaluator(value);
    if (!evaluate) return undefined;
    entries.push([key.value as string, evaluate]);
  }
  return (scope) => {
    const out: Record<string, unknown> = Object.create(null);
    for (const [key, evaluate] of entries) {
      const value = evaluate(scope);
      if (value === FALL_BACK) return FALL_BACK;
      if (value !== undefined) out[key] = value;
    }
    return out;
  };
}

/**
 * `[a, b, …]`: undefined items are left out. An item that is itself an array
 * would be spliced in (unless written as `[…]`); paths never hand one back,
 * so only a nested array constructor can, and it is kept whole as JSONata keeps it.
 */
function arrayEvaluator(node: Node): FastEvaluator | undefined {
  if (node.type !== 'unary' || node.value !== '[' || !Array.isArray(node.expressions) || !only(node, ['type', 'value', 'expressions'])) return undefined;
  const items: FastEvaluator[] = [];
  for (const item of node.expressions as Node[]) {
    const evaluate = fastEvaluator(item);
    if (!evaluate) return undefined;
    items.push(evaluate);
  }
  return (scope) => {
    const out: unknown[] = [];
    for (const evaluate of items) {
      const value = evaluate(scope);
      if (value === FALL_BACK) return FALL_BACK;
      if (value !== undefined) out.push(value);
    }
    return out;
  };
}

/** `$merge([…])`: every item an object (JSONata raises T0412 otherwise), merged left to right into an object without prototype. */
function mergeEvaluator(node: Node): FastEvaluator | undefined {
  const procedure = node.procedure as Node | undefined;
  if (node.type !== 'function' || node.value !== '(' || procedure?.type !== 'variable' || procedure.value !== 'merge' || !only(procedure, ['type', 'value'])) return undefined;
  // A function call's node carries `name: undefined` beside its procedure.
  if (!only(node, ['type', 'name', 'value', 'arguments', 'procedure']) || node.name !== undefined) return undefined;
  if (!Array.isArray(node.arguments) || node.arguments.length !== 1) return undefined;
  const list = arrayEvaluator((node.arguments as Node[])[0]);
  if (!list) return undefined;
  return (scope) => {
    const items = list(scope);
    if (items === FALL_BACK) return FALL_BACK;
    const out: Record<string, unknown> = Object.create(null);
    for (const item of items as unknown[]) {
      if (!isPlainObject(item)) return FALL_BACK;
      for (const key of Object.keys(item)) out[key] = item[key];
    }
    return out;
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
  return literalEvaluator(node) ?? pathEvaluator(node) ?? comparisonEvaluator(node) ?? objectEvaluator(node) ?? arrayEvaluator(node) ?? mergeEvaluator(node);
}
