/**
 * Templates: strings with `{{ expr }}` placeholders. A template that is
 * exactly one placeholder yields the expression's value with its type
 * (number, object, …); otherwise the parts are joined as text.
 */
import { Expression, ExpressionError } from './expression';

type Part = { text: string } | { expr: Expression; offset: number };

const PLACEHOLDER = /\{\{([\s\S]*?)\}\}/g;

/** A compiled template. */
export class Template {
  private readonly parts: Part[];
  /** True when the text has no placeholder, so rendering is the identity. */
  readonly isStatic: boolean;

  /**
   * @example new Template('Hello {{ input.name }}').render({ input: { name: 'Ada' } }) // → 'Hello Ada'
   */
  constructor(readonly source: string) {
    this.parts = [];
    let last = 0;
    for (const match of source.matchAll(PLACEHOLDER)) {
      const start = match.index ?? 0;
      if (start > last) this.parts.push({ text: source.slice(last, start) });
      const body = match[1];
      if (!body.trim()) throw new ExpressionError('Empty {{ }} placeholder', 'SY003', start, source);
      try {
        this.parts.push({ expr: new Expression(body), offset: start + 2 });
      } catch (error) {
        const e = error as ExpressionError;
        throw new ExpressionError(e.message, e.code, (e.position ?? 0) + start + 2, source);
      }
      last = start + match[0].length;
    }
    if (last < source.length) this.parts.push({ text: source.slice(last) });
    this.isStatic = this.parts.every((p) => 'text' in p);
  }

  /** The rendered value at once when every placeholder is a plain path or comparison, else a promise of it. */
  resolve(scope: Record<string, unknown>): unknown {
    if (this.isStatic) return this.source;
    if (this.parts.length === 1) return (this.parts[0] as { expr: Expression }).expr.resolve(scope);
    return this.join(scope, 0, '');
  }

  async render(scope: Record<string, unknown>): Promise<unknown> {
    return this.resolve(scope);
  }

  /** Joins the parts from `from` on, synchronously until a placeholder needs JSONata's evaluator. */
  private join(scope: Record<string, unknown>, from: number, text: string): unknown {
    let out = text;
    for (let i = from; i < this.parts.length; i++) {
      const part = this.parts[i];
      if ('text' in part) {
        out += part.text;
        continue;
      }
      const value = part.expr.resolve(scope);
      if (value instanceof Promise) return value.then((v) => this.join(scope, i + 1, out + stringify(v)));
      out += stringify(value);
    }
    return out;
  }
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** True when the string contains a `{{ … }}` placeholder. */
export function hasPlaceholder(text: string): boolean {
  return text.includes('{{');
}
