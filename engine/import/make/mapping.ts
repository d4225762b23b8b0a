/**
 * Make mapper values (`"Order {{1.orderId}} ships today"`) as Switchyard
 * config: templates for text fields, JSONata for expression fields, and
 * JSON bodies with placeholders as JSONata object constructors.
 */
import { translateFormula, type FormulaContext } from './formula';

const PLACEHOLDER = /\{\{([\s\S]*?)\}\}/g;
/** A private-use character marks where a placeholder stood while the rest is read as JSON. */
const MARK = '\uE000';
const MARKER = /\uE000(\d+)\uE000/;

type Part = { text: string } | { formula: string };

function parts(text: string): Part[] {
  const out: Part[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match.index! > last) out.push({ text: text.slice(last, match.index) });
    out.push({ formula: match[1] });
    last = match.index! + match[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/** True when the Make value maps something (has a `{{…}}`). */
export function isMapped(value: unknown): value is string {
  return typeof value === 'string' && value.includes('{{');
}

/**
 * A Make text as a Switchyard template (`{{ jsonata }}` inside text).
 *
 * @example toTemplate('Order {{1.orderId}}', ctx) // → 'Order {{ steps.m1.output.orderId }}'
 */
export function toTemplate(text: string, ctx: FormulaContext): string {
  return parts(text)
    .map((p) => ('text' in p ? p.text : `{{ ${translateFormula(p.formula, ctx)} }}`))
    .join('');
}

/**
 * A Make text as one JSONata expression: a lone placeholder keeps its
 * value's type; mixed text becomes a string concatenation.
 *
 * @example toExpression('{{1.items}}', ctx)     // → 'steps.m1.output.items'
 * @example toExpression('Hi {{1.name}}!', ctx)  // → '"Hi " & steps.m1.output.name & "!"'
 */
export function toExpression(text: string, ctx: FormulaContext): string {
  const list = parts(text);
  if (list.length === 0) return '""';
  if (list.length === 1 && 'formula' in list[0]) return translateFormula(list[0].formula, ctx);
  return list.map((p) => ('text' in p ? JSON.stringify(p.text) : `$string(${translateFormula(p.formula, ctx)})`)).join(' & ');
}

/**
 * Any Make mapper value (string, number, array, object) as a JSONata expression.
 *
 * @example valueToExpression({ line: '{{3.value}}' }, ctx) // → '{ "line": steps.m3.output.value }'
 */
export function valueToExpression(value: unknown, ctx: FormulaContext): string {
  if (typeof value === 'string') return toExpression(value, ctx);
  if (Array.isArray(value)) return `[${value.map((v) => valueToExpression(v, ctx)).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${valueToExpression(v, ctx)}`)
      .join(', ')} }`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * A JSON request body written as text with placeholders
 * (`{"email": "{{1.email}}", "score": {{1.score}}}`) as a JSONata object
 * constructor, so numbers stay numbers and quotes in values cannot break
 * the JSON. Text that is not JSON once the placeholders are set aside
 * becomes a string expression.
 *
 * @example jsonBodyToExpression('{"score": {{1.score}}}', ctx) // → '{ "score": steps.m1.output.score }'
 */
export function jsonBodyToExpression(text: string, ctx: FormulaContext): { expression: string; json: boolean } {
  const formulas: string[] = [];
  let inString = false;
  let masked = '';
  for (const part of parts(text)) {
    if ('formula' in part) {
      const marker = `${MARK}${formulas.push(part.formula) - 1}${MARK}`;
      masked += inString ? marker : `"${marker}"`;
      continue;
    }
    for (let i = 0; i < part.text.length; i++) {
      const ch = part.text[i];
      masked += ch;
      if (ch === '\\' && inString) masked += part.text[++i] ?? '';
      else if (ch === '"') inString = !inString;
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(masked);
  } catch {
    return { expression: toExpression(text, ctx), json: false };
  }
  const convert = (value: unknown): string => {
    if (typeof value === 'string') {
      const pieces = value.split(MARKER);
      if (pieces.length === 3 && pieces[0] === '' && pieces[2] === '') return translateFormula(formulas[Number(pieces[1])], ctx);
      return pieces
        .map((piece, i) => (i % 2 ? `$string(${translateFormula(formulas[Number(piece)], ctx)})` : piece ? JSON.stringify(piece) : ''))
        .filter(Boolean)
        .join(' & ') || '""';
    }
    if (Array.isArray(value)) return `[${value.map(convert).join(', ')}]`;
    if (value && typeof value === 'object') return `{ ${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${convert(v)}`).join(', ')} }`;
    return JSON.stringify(value);
  };
  return { expression: convert(parsed), json: true };
}
