/**
 * Make filters — an OR of AND groups of `{ a, o, b }` conditions — as one
 * JSONata condition for an edge's `when`.
 */
import { isRecord } from '../json-text';
import type { FormulaContext } from './formula';
import { toExpression } from './mapping';

type Kind = 'text' | 'number' | 'boolean' | 'date' | 'any';

function literal(text: string, kind: Kind): string {
  const trimmed = text.trim();
  if (kind === 'number' && /^-?\d+(\.\d+)?$/.test(trimmed)) return trimmed;
  if (kind === 'boolean' && /^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase();
  return JSON.stringify(text);
}

/** One side of a condition: a mapping, or a literal read the way the operator reads it. */
function operand(value: unknown, kind: Kind, ctx: FormulaContext): string {
  if (value === undefined || value === null) return kind === 'number' ? '0' : '""';
  if (typeof value !== 'string') return JSON.stringify(value);
  if (!value.includes('{{')) return literal(value, kind);
  const js = toExpression(value, ctx);
  if (kind === 'number') return `$number(${js})`;
  if (kind === 'text') return `$string(${js})`;
  if (kind === 'boolean') return `$boolean(${js})`;
  if (kind === 'date') return `$toMillis($string(${js}))`;
  return js;
}

const COMPARE: Record<string, string> = { equal: '=', notequal: '!=', greater: '>', less: '<', greaterorequal: '>=', lessorequal: '<=' };

/**
 * JSONata for one Make condition; undefined when the operator is unknown.
 *
 * @example conditionToJsonata({ a: '{{1.score}}', o: 'number:greater', b: '50' }, ctx) // → '$number(steps.m1.output.score) > 50'
 */
export function conditionToJsonata(condition: { a?: unknown; o?: unknown; b?: unknown }, ctx: FormulaContext): string | undefined {
  const op = String(condition.o ?? '');
  const [family, name = '', flag] = op.split(':');
  const ci = flag === 'ci';
  if (op === 'exist') return `$exists(${operand(condition.a, 'any', ctx)})`;
  if (op === 'notexist') return `$not($exists(${operand(condition.a, 'any', ctx)}))`;
  if (family === 'text') {
    let a = operand(condition.a, 'text', ctx);
    let b = operand(condition.b, 'text', ctx);
    if (ci) [a, b] = [`$lowercase(${a})`, `$lowercase(${b})`];
    const negate = name.startsWith('not');
    const base = negate ? name.slice(3) : name;
    let test: string | undefined;
    if (name === 'notequal') return `${a} != ${b}`;
    if (base === 'equal') test = `${a} = ${b}`;
    else if (base === 'contains') test = `$contains(${a}, ${b})`;
    else if (base === 'startswith') test = `$substring(${a}, 0, $length(${b})) = ${b}`;
    else if (base === 'endswith') test = `$length(${a}) >= $length(${b}) and $substring(${a}, $length(${a}) - $length(${b})) = ${b}`;
    else if (base === 'pattern' && typeof condition.b === 'string' && !condition.b.includes('{{')) {
      test = `$contains(${a}, /${condition.b.replace(/\//g, '\\/')}/${ci ? 'i' : ''})`;
    }
    if (test === undefined) return undefined;
    return negate ? `$not(${test})` : test;
  }
  if (family === 'number' || family === 'date' || family === 'time') {
    const kind: Kind = family === 'number' ? 'number' : 'date';
    const cmp = COMPARE[name];
    if (!cmp) return undefined;
    const b = kind === 'date' && typeof condition.b === 'string' && !condition.b.includes('{{') ? `$toMillis(${JSON.stringify(condition.b)})` : operand(condition.b, kind, ctx);
    return `${operand(condition.a, kind, ctx)} ${cmp} ${b}`;
  }
  if (family === 'boolean' && (name === 'equal' || name === 'notequal')) {
    return `${operand(condition.a, 'boolean', ctx)} ${COMPARE[name]} ${operand(condition.b, 'boolean', ctx)}`;
  }
  if (family === 'array') {
    const a = operand(condition.a, 'any', ctx);
    if (name === 'contain') return `${operand(condition.b, 'any', ctx)} in ${a}`;
    if (name === 'notcontain') return `$not(${operand(condition.b, 'any', ctx)} in ${a})`;
    if (name === 'length' && COMPARE[flag ?? '']) return `$count(${a}) ${COMPARE[flag!]} ${operand(condition.b, 'number', ctx)}`;
  }
  return undefined;
}

/**
 * A Make filter as one JSONata condition (OR of AND groups). Conditions
 * with unknown operators count as false — the bundle stops rather than
 * passes unchecked — and are flagged.
 *
 * @example filterToJsonata({ conditions: [[{ a: '{{1.status}}', o: 'text:notequal', b: 'ok' }]] }, ctx)
 * // → '$string(steps.m1.output.status) != "ok"'
 */
export function filterToJsonata(filter: unknown, ctx: FormulaContext): string | undefined {
  if (!isRecord(filter) || !Array.isArray(filter.conditions)) return undefined;
  const groups = filter.conditions
    .map((group) => (Array.isArray(group) ? group : [group]))
    .map((group) =>
      group.filter(isRecord).map((condition) => {
        const js = conditionToJsonata(condition, ctx);
        if (js === undefined) ctx.flag(`filter operator "${String(condition.o)}" is not translated; that condition counts as false`);
        return js ?? 'false';
      }),
    )
    .filter((group) => group.length > 0);
  if (groups.length === 0) return undefined;
  const wrap = (items: string[], op: string) => (items.length === 1 ? items[0] : items.map((i) => `(${i})`).join(` ${op} `));
  return wrap(groups.map((g) => wrap(g, 'and')), 'or');
}
