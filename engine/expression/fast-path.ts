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
 * Blocks that name parts of the answer first are read the same way
 * (`( $profile := steps.n3.output; { "email": $profile.email } )`), with a
 * conditional on a comparison and the first of a list (`[a, b, c][0]`).
 *
 * Only what plainly gives JSONata's own answer is taken: a path through plain
 * objects (ending in any value, an array too), comparisons of two
 * primitives, objects with literal keys, arrays, `$merge` of objects,
 * variables bound earlier in the same block, and conditions that are true or false.
 * Anything else (an array on the way, a missing operand, mixed types, a key
 * from the prototype, a non-object to merge, an array JSONata would splice
 * into another) answers {@link FALL_BACK}, and JSONata evaluates as before —
 * so results and errors stay JSONata's. Nothing nested deeper than 32 levels
 * is taken either, so JSONata's depth limit still fails a runaway expression.
 */

/** Returned when the fast path cannot give JSONata's answer itself. */
export const FALL_BACK: unique symbol = Symbol('fall back to JSONata');

/** `vars`: the values of the variables the enclosing blocks bound so far. */
export type FastEvaluator = (scope: Record<string, unknown>, vars?: Vars) => unknown;

type Vars = Record<string, unknown>;

/**
 * What compiling sees of the enclosing blocks: the variables they bind before
 * this point. Any other variable (`$x` from outside, a function) is JSONata's.
 */
type Bound = ReadonlySet<string>;
const NONE: Bound = new Set();

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

/** `$name`, bound earlier in an enclosing block. */
function boundVariable(node: Node, bound: Bound): string | undefined {
  const name = node.value;
  return node.type === 'variable' && typeof name === 'string' && bound.has(name) && only(node, ['type', 'value']) ? name : undefined;
}

/** `$name` alone: its value. */
function variableEvaluator(node: Node, bound: Bound): FastEvaluator | undefined {
  const name = boundVariable(node, bound);
  if (name === undefined) return undefined;
  return (_scope, vars) => vars![name];
}

/** `a.b.c` from the scope, or `$v.b.c` from a bound variable. */
function pathEvaluator(node: Node, bound: Bound): FastEvaluator | undefined {
  if (node.type !== 'path' || !only(node, ['type', 'steps']) || !node.steps?.length) return undefined;
  const names: string[] = [];
  const start = boundVariable(node.steps[0], bound);
  for (const step of start === undefined ? node.steps : node.steps.slice(1)) {
    if (step.type !== 'name' || typeof step.value !== 'string' || !only(step, ['type', 'value'])) return undefined;
    names.push(step.value);
  }
  return (scope, vars) => {
    let value: unknown = start === undefined ? scope : vars![start];
    for (const name of names) {
      if (value === undefined || value === null || typeof value !== 'object') return undefined;
      if (!isPlainObject(value)) return FALL_BACK;
      if (!Object.hasOwn(value, name)) return name in value ? FALL_BACK : undefined;
      value = value[name];
    }
    // An array at the end is handed over as it is, as JSONata does (an array on the way, it maps over).
    return typeof value === 'function' ? FALL_BACK : value;
  };
}


const isPrimitive = (v: unknown) => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const COMPARISONS = new Set(['=', '!=', '<', '<=', '>', '>=']);

function comparisonEvaluator(node: Node, bound: Bound): FastEvaluator | undefined {
  if (node.type !== 'binary' || !COMPARISONS.has(node.value as string) || !node.lhs || !node.rhs || !only(node, ['type', 'value', 'lhs', 'rhs'])) return undefined;
  const operand = (side: Node): FastEvaluator | undefined => literalEvaluator(side) ?? pathEvaluator(side, bound) ?? variableEvaluator(side, bound);
  const lhs = operand(node.lhs);
  const rhs = operand(node.rhs);
  if (!lhs || !rhs) return undefined;
  const op = node.value as string;
  return (scope, vars) => {
    const a = lhs(scope, vars);
    const b = rhs(scope, vars);
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
function objectEvaluator(node: Node, bound: Bound): FastEvaluator | undefined {
  if (node.type !== 'unary' || node.value !== '{' || !Array.isArray(node.lhs) || !only(node, ['type', 'value', 'lhs'])) return undefined;
  const entries: Array<[string, FastEvaluator]> = [];
  for (const pair of node.lhs as unknown as Node[][]) {
    const [key, value] = pair;
    if (pair.length !== 2 || key.type !== 'string' || !only(key, ['type', 'value'])) return undefined;
    if (entries.some(([k]) => k === key.value)) return undefined;
    const evaluate = compile(value, bound);
    if (!evaluate) return undefined;
    entries.push([key.value as string, evaluate]);
  }
  return (scope, vars) => {
    const out: Record<string, unknown> = Object.create(null);
    for (const [key, evaluate] of entries) {
      const value = evaluate(scope, vars);
      if (value === FALL_BACK) return FALL_BACK;
      if (value !== undefined) out[key] = value;
    }
    return out;
  };
}

/**
 * `[a, b, …]`: undefined items are left out. An array written in place
 * (`[[1, 2], 3]`, `[[a, b][0]]`) is kept whole, as JSONata keeps it; one
 * handed over by anything else (a conditional, a block) JSONata splices in,
 * and that is left to it.
 */
function arrayEvaluator(node: Node, bound: Bound): FastEvaluator | undefined {
  if (node.type !== 'unary' || node.value !== '[' || !Array.isArray(node.expressions) || !only(node, ['type', 'value', 'expressions'])) return undefined;
  const items: Array<{ evaluate: FastEvaluator; whole: boolean }> = [];
  for (const item of node.expressions as Node[]) {
    const evaluate = compile(item, bound);
    if (!evaluate) return undefined;
    // JSONata's own test: the item's node is an array constructor.
    items.push({ evaluate, whole: item.value === '[' });
  }
  return (scope, vars) => {
    const out: unknown[] = [];
    for (const { evaluate, whole } of items) {
      const value = evaluate(scope, vars);
      if (value === FALL_BACK || (!whole && Array.isArray(value))) return FALL_BACK;
      if (value !== undefined) out.push(value);
    }
    return out;
  };
}

/**
 * `[a, b, c][0]`: the first of the items that are there (the seed's "whichever
 * branch prepared this request"). A literal index of 0 or more; an item that
 * is an array, or anything else in brackets, is JSONata's.
 */
function firstOfEvaluator(node: Node, bound: Bound): FastEvaluator | undefined {
  if (node.type !== 'unary' || node.value !== '[' || !Array.isArray(node.predicate) || !only(node, ['type', 'value', 'expressions', 'predicate'])) return undefined;
  const [filter, ...more] = node.predicate as Node[];
  if (!filter || more.length || filter.type !== 'filter' || !only(filter, ['type', 'expr']) || (filter.expr as Node | undefined)?.type !== 'number' || !only(filter.expr as Node, ['type', 'value'])) return undefined;
  const index = (filter.expr as Node).value;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) return undefined;
  const list = arrayEvaluator({ type: 'unary', value: '[', expressions: node.expressions }, bound);
  if (!list) return undefined;
  return (scope, vars) => {
    const items = list(scope, vars);
    if (items === FALL_BACK) return FALL_BACK;
    const item = (items as unknown[])[index];
    return Array.isArray(item) ? FALL_BACK : item;
  };
}

/**
 * `condition ? then : else`, when the condition comes out true or false (JSONata's truthiness of other
 * values is its own). A branch the fast path cannot take falls back only when it is the one chosen:
 * the seed's Braze purchases are JSONata's for a purchase, and nothing to evaluate for any other event.
 */
function conditionEvaluator(node: Node, bound: Bound): FastEvaluator | undefined {
  if (node.type !== 'condition' || !only(node, ['type', 'condition', 'then', 'else'])) return undefined;
  const test = compile(node.condition as Node, bound);
  if (!test) return undefined;
  const branch = (expression: Node | undefined): FastEvaluator =>
    expression === undefined ? () => undefined : (compile(expression, bound) ?? (() => FALL_BACK));
  const then = branch(node.then as Node);
  const otherwise = branch(node.else as Node | undefined);
  return (scope, vars) => {
    const chosen = test(scope, vars);
    if (chosen === true) return then(scope, vars);
    if (chosen === false) return otherwise(scope, vars);
    return FALL_BACK;
  };
}

/**
 * `( $a := …; $b := …; result )`: each binding seen by what follows it, in
 * this block and the blocks inside it. The block's value is its last
 * expression's. Rebinding a name JSONata also knows as a function (`$merge`)
 * is left to JSONata.
 */
function blockEvaluator(node: Node, outer: Bound): FastEvaluator | undefined {
  if (node.type !== 'block' || !Array.isArray(node.expressions) || !node.expressions.length || !only(node, ['type', 'expressions'])) return undefined;
  const bound = new Set(outer);
  const parts: Array<{ name?: string; evaluate: FastEvaluator }> = [];
  for (const expression of node.expressions as Node[]) {
    if (expression.type === 'bind') {
      const variable = expression.lhs as Node | undefined;
      const name = variable?.value;
      if (!only(expression, ['type', 'value', 'lhs', 'rhs']) || variable?.type !== 'variable' || typeof name !== 'string' || !only(variable, ['type', 'value'])) return undefined;
      if (name === '' || name === 'merge') return undefined;
      const evaluate = compile(expression.rhs as Node, bound);
      if (!evaluate) return undefined;
      bound.add(name);
      parts.push({ name, evaluate });
    } else {
      const evaluate = compile(expression, bound);
      if (!evaluate) return undefined;
      parts.push({ evaluate });
    }
  }
  return (scope, outerVars) => {
    const vars: Vars = Object.create(outerVars ?? null);
    let value: unknown;
    for (const { name, evaluate } of parts) {
      value = evaluate(scope, vars);
      if (value === FALL_BACK) return FALL_BACK;
      if (name !== undefined) vars[name] = value;
    }
    return value;
  };
}

/** `$merge([…])`: every item an object (JSONata raises T0412 otherwise), merged left to right into an object without prototype. */
function mergeEvaluator(node: Node, bound: Bound): FastEvaluator | undefined {
  const procedure = node.procedure as Node | undefined;
  if (node.type !== 'function' || node.value !== '(' || procedure?.type !== 'variable' || procedure.value !== 'merge' || !only(procedure, ['type', 'value'])) return undefined;
  // A function call's node carries `name: undefined` beside its procedure.
  if (!only(node, ['type', 'name', 'value', 'arguments', 'procedure']) || node.name !== undefined) return undefined;
  if (!Array.isArray(node.arguments) || node.arguments.length !== 1) return undefined;
  // `$merge` is JSONata's function here: a block that rebinds it is not compiled (blockEvaluator).
  const list = arrayEvaluator((node.arguments as Node[])[0], bound);
  if (!list) return undefined;
  return (scope, vars) => {
    const items = list(scope, vars);
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
  return compile(ast as Node, NONE);
}

/**
 * How deep the fast path nests. Deeper is JSONata's to evaluate, so that its own depth limit
 * (`EvaluationLimits.maxDepth`) fails a runaway expression as before; real ones stay far above it.
 */
const MAX_NESTING = 32;
let nesting = 0;

function compile(node: Node, bound: Bound): FastEvaluator | undefined {
  if (!node || typeof node !== 'object' || nesting >= MAX_NESTING) return undefined;
  nesting++;
  try {
    return (
      literalEvaluator(node) ??
      pathEvaluator(node, bound) ??
      variableEvaluator(node, bound) ??
      comparisonEvaluator(node, bound) ??
      objectEvaluator(node, bound) ??
      arrayEvaluator(node, bound) ??
      firstOfEvaluator(node, bound) ??
      mergeEvaluator(node, bound) ??
      conditionEvaluator(node, bound) ??
      blockEvaluator(node, bound)
    );
  } finally {
    nesting--;
  }
}
