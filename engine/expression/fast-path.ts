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
 * conditional on a comparison and the first of a list (`[a, b, c][0]`). So is
 * picking from a list, as the seed's "Select best variant" does on every run:
 * a filter on a condition (`$variants[channel = $user.channel or channel =
 * "any"]`), `and`/`or`, `$exists`, `$count`, `$uppercase`, `$max($pool.score)` and
 * `$sort($pool, function($a, $b) { $a.score < $b.score })[0]` — JSONata's
 * own merge sort, comparison for comparison. A path that meets a list on its
 * way maps over it (`[input.properties.products.product_id]`), and may end
 * in an object built from each item (`$order.products.{ "price": price }`);
 * a list constructor splices in the lists its items give, as JSONata's
 * `append` does. Lists longer than 1,000 items, or more than 100,000 items
 * visited in one evaluation, are JSONata's, under its time limit.
 *
 * Only what plainly gives JSONata's own answer is taken: a path through plain
 * objects (ending in any value, an array too), comparisons of two
 * primitives, objects with literal keys, arrays, `$merge` of objects,
 * variables bound earlier in the same block, conditions that are true or false,
 * and lists of plain objects to filter, sort, map a path over or take the
 * largest field of. Anything else (a list inside a list on the way, a missing
 * operand, mixed types, a key from the prototype, a non-object to merge)
 * answers {@link FALL_BACK}, and JSONata evaluates as before —
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

/**
 * `a.b.c` from the scope, or `$v.b.c` from a bound variable; and, ending the path, an object built from
 * each item it reaches (`$order.products.{ "product_id": product_id }`). Through plain objects the path
 * is a chain of lookups. A list on the way is mapped over as JSONata does (`mapOver`); a list at the end
 * is handed over as it is.
 */
function pathEvaluator(node: Node, bound: Bound): FastEvaluator | undefined {
  if (node.type !== 'path' || !only(node, ['type', 'steps']) || !node.steps?.length) return undefined;
  const start = boundVariable(node.steps[0], bound);
  const steps = start === undefined ? node.steps : node.steps.slice(1);
  const last = steps[steps.length - 1];
  // An object built per item is the last step: `{` as a step, not `a{ … }`, which groups.
  const build = last?.type === 'unary' && last.value === '{' ? objectEvaluator(last, bound) : undefined;
  if (build && steps.length < 2) return undefined;
  const names: string[] = [];
  for (const step of build ? steps.slice(0, -1) : steps) {
    if (step.type !== 'name' || typeof step.value !== 'string' || !only(step, ['type', 'value'])) return undefined;
    names.push(step.value);
  }
  return (scope, vars) => {
    let value: unknown = start === undefined ? scope : vars![start];
    for (let i = 0; i < names.length; i++) {
      if (Array.isArray(value)) return mapOver(value, names, i, build, vars);
      if (value === undefined || value === null || typeof value !== 'object') return undefined;
      if (!isPlainObject(value)) return FALL_BACK;
      const name = names[i];
      if (!Object.hasOwn(value, name)) return name in value ? FALL_BACK : undefined;
      value = value[name];
    }
    if (typeof value === 'function') return FALL_BACK;
    if (!build || value === undefined) return value;
    return mapOver(Array.isArray(value) ? value : [value], names, names.length, build, vars);
  };
}

/**
 * The rest of a path, from step `from`, over a list: JSONata's own steps. Each step looks the name up in
 * every item (nothing from an item that is not an object, or lacks the name), then flattens the lists it
 * got by one level — except that a last step that found exactly one list hands that list over as it is.
 * No result ends the path with nothing; one result is the value itself, more are a list. An item that is
 * itself a list (JSONata would map over it too), or an object that is not plain, is JSONata's.
 */
function mapOver(list: unknown[], names: string[], from: number, build: FastEvaluator | undefined, vars: Vars | undefined): unknown {
  let items = list;
  for (let i = from; i < names.length; i++) {
    if (items.length > MAX_ITEMS || tooMuch(items.length)) return FALL_BACK;
    const name = names[i];
    const found: unknown[] = [];
    for (const item of items) {
      if (item === null || typeof item !== 'object') continue;
      if (!isPlainObject(item)) return FALL_BACK;
      if (!Object.hasOwn(item, name)) {
        if (name in item) return FALL_BACK;
        continue;
      }
      const value = item[name];
      if (typeof value === 'function') return FALL_BACK;
      if (value !== undefined) found.push(value);
    }
    if (i === names.length - 1 && !build && found.length === 1 && Array.isArray(found[0])) return found[0];
    items = [];
    for (const value of found) {
      if (!Array.isArray(value)) items.push(value);
      else for (const inner of value) items.push(inner);
    }
    if (items.length === 0) return undefined;
  }
  if (build) {
    if (items.length > MAX_ITEMS || tooMuch(items.length)) return FALL_BACK;
    const built: unknown[] = [];
    for (const item of items) {
      // An object built from a number or a string is JSONata's to make.
      if (!isPlainObject(item)) return FALL_BACK;
      const object = build(item, vars);
      if (object === FALL_BACK) return FALL_BACK;
      built.push(object);
    }
    items = built;
  }
  for (const item of items) if (Array.isArray(item)) return FALL_BACK;
  return items.length === 0 ? undefined : items.length === 1 ? items[0] : items;
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
 * (`[[1, 2], 3]`, `[[a, b][0]]`) is kept whole, as JSONata keeps it; a list
 * any other item gives (a path that maps over a list, a variable, a
 * conditional) is spliced in, one level deep, as JSONata's `append` does.
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
      if (value === FALL_BACK) return FALL_BACK;
      if (value === undefined) continue;
      if (whole || !Array.isArray(value)) out.push(value);
      else if (value.length > MAX_ITEMS || tooMuch(value.length)) return FALL_BACK;
      else for (const inner of value) out.push(inner);
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
  if (node.type !== 'unary' || node.value !== '[' || !only(node, ['type', 'value', 'expressions', 'predicate'])) return undefined;
  const index = literalPosition(node.predicate);
  if (index === undefined) return undefined;
  const list = arrayEvaluator({ type: 'unary', value: '[', expressions: node.expressions }, bound);
  if (!list) return undefined;
  return (scope, vars) => {
    const items = list(scope, vars);
    return items === FALL_BACK ? FALL_BACK : itemAt(items, index);
  };
}

/** The expression inside a predicate that is exactly one `[…]` filter; undefined for anything else. */
function onlyFilter(predicate: unknown): Node | undefined {
  if (!Array.isArray(predicate)) return undefined;
  const [filter, ...more] = predicate as Node[];
  if (!filter || more.length || filter.type !== 'filter' || !only(filter, ['type', 'expr'])) return undefined;
  return filter.expr as Node | undefined;
}

/** `[n]` with a literal position counted from the start; one JSONata would count from the end is its own. */
function literalPosition(predicate: unknown): number | undefined {
  const position = onlyFilter(predicate);
  if (position?.type !== 'number' || !only(position, ['type', 'value'])) return undefined;
  const n = position.value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** The item at `position` of a list (one value is a list of one); an item that is itself a list is JSONata's. */
function itemAt(value: unknown, position: number): unknown {
  const item = Array.isArray(value) ? value[position] : position === 0 ? value : undefined;
  return Array.isArray(item) ? FALL_BACK : item;
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
      if (name === '' || FUNCTIONS.has(name)) return undefined;
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

/**
 * Most items the fast path filters, sorts or counts. A longer list is JSONata's, whose evaluation yields
 * to other runs every few milliseconds and stops at the time limit (`expression.ts`); the fast path does neither.
 */
const MAX_ITEMS = 1000;

/**
 * Items one evaluation may visit in filters, sorts and paths mapped over lists, nested ones included (a filter inside a
 * sort's comparator visits its list once per comparison). Past it the expression is JSONata's, under its
 * time limit: the fast path runs without yielding, and must stay far below the limit's milliseconds.
 */
const MAX_WORK = 100_000;
/** Items visited so far in the evaluation under way (evaluations are synchronous, so one at a time). */
let work = 0;
/** Counts `items` visits; true when the evaluation has gone over {@link MAX_WORK}. */
const tooMuch = (items: number) => (work += items) > MAX_WORK;

/**
 * `a and b`, `a or b`, when each side that is evaluated comes out true or false. JSONata evaluates the
 * right side only when the left does not decide; its truthiness of other values is its own.
 */
function logicEvaluator(node: Node, bound: Bound): FastEvaluator | undefined {
  if (node.type !== 'binary' || (node.value !== 'and' && node.value !== 'or') || !node.lhs || !node.rhs || !only(node, ['type', 'value', 'lhs', 'rhs'])) return undefined;
  const lhs = compile(node.lhs, bound);
  const rhs = compile(node.rhs, bound);
  if (!lhs || !rhs) return undefined;
  const decides = node.value === 'or';
  return (scope, vars) => {
    const a = lhs(scope, vars);
    if (typeof a !== 'boolean') return FALL_BACK;
    if (a === decides) return a;
    const b = rhs(scope, vars);
    return typeof b === 'boolean' ? b : FALL_BACK;
  };
}

/**
 * `$list[condition]`: the items of a bound variable's list for which the condition, read from the item,
 * is true (`$variants[channel = $user.channel or channel = "any"]`). Like JSONata's, the answer is
 * nothing when no item is kept, the item itself when one is, and the list of them otherwise. Items
 * that are not plain objects, a condition that is not true or false (a number selects by position), or
 * a value that is not a list of objects or one object, are JSONata's.
 */
function filterEvaluator(node: Node, bound: Bound): FastEvaluator | undefined {
  if (node.type !== 'variable' || !only(node, ['type', 'value', 'predicate'])) return undefined;
  const name = node.value;
  const condition = onlyFilter(node.predicate);
  if (typeof name !== 'string' || !bound.has(name) || !condition || condition.type === 'number') return undefined;
  const test = compile(condition, bound);
  if (!test) return undefined;
  return (_scope, vars) => {
    const value = vars![name];
    const items = Array.isArray(value) ? value : isPlainObject(value) ? [value] : undefined;
    if (!items || items.length > MAX_ITEMS || tooMuch(items.length)) return FALL_BACK;
    const kept: unknown[] = [];
    for (const item of items) {
      if (!isPlainObject(item)) return FALL_BACK;
      // Inside the brackets, a path starts at the item.
      const keep = test(item, vars);
      if (keep === true) kept.push(item);
      else if (keep !== false) return FALL_BACK;
    }
    return kept.length === 0 ? undefined : kept.length === 1 ? kept[0] : kept;
  };
}

/**
 * `function($a, $b) { … }` given to `$sort`: its two parameters, and its body compiled with them bound
 * (and the enclosing blocks' variables). A parameter named like one of the fast path's functions is JSONata's.
 */
function comparatorOf(node: Node, bound: Bound): { first: string; second: string; body: FastEvaluator } | undefined {
  // A lambda's node carries `signature: undefined` when none is written; one that checks its arguments is JSONata's.
  if (node.type !== 'lambda' || !only(node, ['type', 'arguments', 'signature', 'body']) || node.signature !== undefined) return undefined;
  if (!Array.isArray(node.arguments) || node.arguments.length !== 2) return undefined;
  const [first, second] = (node.arguments as Node[]).map((a) => (a.type === 'variable' && only(a, ['type', 'value']) && typeof a.value === 'string' ? a.value : undefined));
  if (!first || !second || first === second || FUNCTIONS.has(first) || FUNCTIONS.has(second)) return undefined;
  const body = compile(node.body as Node, new Set([...bound, first, second]));
  return body && { first, second, body };
}

/**
 * JSONata's own merge sort, comparison for comparison: split at the middle, sort each half, then merge,
 * taking the right item first whenever the comparator says true. The same comparisons in the same order
 * give the same list, whatever the comparator.
 */
function mergeSort(items: unknown[], swap: (a: unknown, b: unknown) => boolean | typeof FALL_BACK): unknown[] | typeof FALL_BACK {
  if (items.length <= 1) return items;
  const middle = Math.floor(items.length / 2);
  const left = mergeSort(items.slice(0, middle), swap);
  if (left === FALL_BACK) return FALL_BACK;
  const right = mergeSort(items.slice(middle), swap);
  if (right === FALL_BACK) return FALL_BACK;
  const merged: unknown[] = [];
  let l = 0;
  let r = 0;
  while (l < left.length && r < right.length) {
    if (tooMuch(1)) return FALL_BACK;
    const swapped = swap(left[l], right[r]);
    if (swapped === FALL_BACK) return FALL_BACK;
    merged.push(swapped ? right[r++] : left[l++]);
  }
  while (l < left.length) merged.push(left[l++]);
  while (r < right.length) merged.push(right[r++]);
  return merged;
}

type Builtin = (args: Node[], bound: Bound) => FastEvaluator | undefined;

/** One argument, compiled. */
const single = (args: Node[], bound: Bound) => (args.length === 1 ? compile(args[0], bound) : undefined);

/**
 * JSONata's functions the fast path evaluates itself, each as JSONata's own code does after checking
 * its arguments' types: a value of another type is JSONata's, to convert or to raise its error.
 */
const BUILTINS: Record<string, Builtin> = {
  /** `$merge([…])`: every item an object (JSONata raises T0412 otherwise), merged left to right into an object without prototype. */
  merge(args, bound) {
    const list = args.length === 1 ? arrayEvaluator(args[0], bound) : undefined;
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
  },
  /** `$exists(x)`: whether x is there. */
  exists(args, bound) {
    const value = single(args, bound);
    if (!value) return undefined;
    return (scope, vars) => {
      const v = value(scope, vars);
      return v === FALL_BACK ? FALL_BACK : v !== undefined;
    };
  },
  /** `$uppercase(text)`: nothing stays nothing; a value that is not text is JSONata's error (T0410). */
  uppercase(args, bound) {
    const value = single(args, bound);
    if (!value) return undefined;
    return (scope, vars) => {
      const v = value(scope, vars);
      return v === FALL_BACK || v === undefined ? v : typeof v === 'string' ? v.toUpperCase() : FALL_BACK;
    };
  },
  /** `$count(list)`: its length; one value counts 1, nothing 0. */
  count(args, bound) {
    const value = single(args, bound);
    if (!value) return undefined;
    return (scope, vars) => {
      const v = value(scope, vars);
      return v === FALL_BACK ? FALL_BACK : v === undefined ? 0 : Array.isArray(v) ? v.length : 1;
    };
  },
  /** `$max($list.field)` (a path mapped over the list) or `$max(numbers)`: the largest number, nothing for none. */
  max(args, bound) {
    const value = single(args, bound);
    if (!value) return undefined;
    return (scope, vars) => {
      const v = value(scope, vars);
      if (v === FALL_BACK || v === undefined) return v;
      const numbers = Array.isArray(v) ? v : [v];
      if (numbers.length > MAX_ITEMS || !numbers.every((n) => typeof n === 'number')) return FALL_BACK;
      return numbers.length ? Math.max(...(numbers as number[])) : undefined;
    };
  },
  /**
   * `$sort(list, function($a, $b) { … })`: JSONata's merge sort. One value is sorted as a list of one;
   * a list of one or none is handed back as it is (`mergeSort`), as JSONata does.
   */
  sort(args, bound) {
    if (args.length !== 2) return undefined;
    const list = compile(args[0], bound);
    const comparator = comparatorOf(args[1], bound);
    if (!list || !comparator) return undefined;
    const { first, second, body } = comparator;
    return (scope, vars) => {
      const value = list(scope, vars);
      if (value === FALL_BACK || value === undefined) return value;
      const items = Array.isArray(value) ? value : [value];
      if (items.length > MAX_ITEMS) return FALL_BACK;
      // The body reads its paths from where `$sort` is called, and the variables around it.
      const local: Vars = Object.create(vars ?? null);
      return mergeSort(items, (a, b) => {
        local[first] = a;
        local[second] = b;
        const swap = body(scope, local);
        return typeof swap === 'boolean' ? swap : FALL_BACK;
      });
    };
  },
};

/** Names the fast path reads as JSONata's functions: a block or a lambda that binds one of them is JSONata's. */
const FUNCTIONS: ReadonlySet<string> = new Set(Object.keys(BUILTINS));

/**
 * A call of one of {@link BUILTINS}, and the item at a literal position of its answer
 * (`$sort(…)[0]`); a position JSONata would take from the end, or an item that is a list, is JSONata's.
 */
function functionEvaluator(node: Node, bound: Bound): FastEvaluator | undefined {
  const procedure = node.procedure as Node | undefined;
  if (node.type !== 'function' || node.value !== '(' || procedure?.type !== 'variable' || !only(procedure, ['type', 'value'])) return undefined;
  const builtin = typeof procedure.value === 'string' && FUNCTIONS.has(procedure.value) ? BUILTINS[procedure.value] : undefined;
  // A function call's node carries `name: undefined` beside its procedure.
  if (!builtin || !only(node, ['type', 'name', 'value', 'arguments', 'procedure', 'predicate']) || node.name !== undefined || !Array.isArray(node.arguments)) return undefined;
  // The function is JSONata's own here: a block that rebinds its name is not compiled (blockEvaluator).
  const call = builtin(node.arguments as Node[], bound);
  if (!call || node.predicate === undefined) return call;
  const position = literalPosition(node.predicate);
  if (position === undefined) return undefined;
  return (scope, vars) => {
    const value = call(scope, vars);
    return value === FALL_BACK || value === undefined ? value : itemAt(value, position);
  };
}

/**
 * A direct evaluator for a parsed expression, when its shape has one.
 *
 * @example fastEvaluator(jsonata('input.segment').ast())?.({ input: { segment: 'vip' } }) // → 'vip'
 */
export function fastEvaluator(ast: unknown): FastEvaluator | undefined {
  const evaluate = compile(ast as Node, NONE);
  if (!evaluate) return undefined;
  return (scope, vars) => {
    work = 0;
    return evaluate(scope, vars);
  };
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
      logicEvaluator(node, bound) ??
      filterEvaluator(node, bound) ??
      functionEvaluator(node, bound) ??
      conditionEvaluator(node, bound) ??
      blockEvaluator(node, bound)
    );
  } finally {
    nesting--;
  }
}
