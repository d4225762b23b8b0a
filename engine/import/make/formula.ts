/**
 * Make's mapping language (IML): the text inside `{{ … }}` — module
 * references (`1.data.status`, `4.array[1]`), functions with `;`-separated
 * arguments (`formatDate(now; "YYYY-MM-DD")`), keywords and operators —
 * translated to JSONata source.
 */
import { translateFunction } from './functions';

/** A step of a reference path: a field name, a 1-based index, or `[]` (the whole array). */
export type PathSegment = { field: string } | { index: number } | { all: true };

/** Where translation needs the importer: module references and collecting notes. */
export interface FormulaContext {
  /** JSONata for a reference to module `moduleId` with the given path. */
  reference(moduleId: number, path: PathSegment[]): string;
  /** Records something that did not translate (shown to the user as a note). */
  flag(message: string): void;
}

/** A translated argument, with its literal text when it was plain text (formats, keys, paths). */
export interface Translated {
  js: string;
  literal?: string;
}

type Tok = { kind: 'num' | 'str' | 'ref' | 'ident' | 'op' | 'punct'; text: string; start: number; end: number };

const KEYWORDS: Record<string, string> = {
  now: '$now()',
  timestamp: '$floor($millis() / 1000)',
  true: 'true',
  false: 'false',
  null: 'null',
  emptystring: '""',
  emptyarray: '[]',
  pi: '3.141592653589793',
  newline: '"\\n"',
  space: '" "',
  tab: '"\\t"',
  random: '$random()',
};

const SIMPLE_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** JSONata for a field step: `.name`, or a back-quoted name when it is not a plain identifier. */
export function fieldStep(name: string): string {
  return SIMPLE_NAME.test(name) ? `.${name}` : `.\`${name.replace(/`/g, '')}\``;
}

/**
 * JSONata for a path below `base` (Make indexes arrays from 1, JSONata from 0).
 *
 * @example pathToJsonata('steps.m1.output', [{ field: 'items' }, { index: 1 }]) // → 'steps.m1.output.items[0]'
 */
export function pathToJsonata(base: string, path: PathSegment[]): string {
  let out = base;
  for (const segment of path) {
    if ('field' in segment) out += fieldStep(segment.field);
    else if ('index' in segment) out += `[${segment.index - 1}]`;
  }
  return out;
}

function tokenize(source: string): Tok[] {
  const tokens: Tok[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    const ref = /^\d+\.(?:`[^`]*`|[A-Za-z_$][\w$-]*)(?:\.(?:`[^`]*`|[\w$-]+)|\[\d*\])*/.exec(source.slice(i));
    if (ref) {
      i += ref[0].length;
      tokens.push({ kind: 'ref', text: ref[0], start, end: i });
    } else if (/\d/.test(ch)) {
      const num = /^\d+(\.\d+)?/.exec(source.slice(i))![0];
      i += num.length;
      tokens.push({ kind: 'num', text: num, start, end: i });
    } else if (ch === '"') {
      let j = i + 1;
      let text = '';
      for (; j < source.length && source[j] !== '"'; j++) {
        if (source[j] === '\\' && j + 1 < source.length) text += source[++j];
        else text += source[j];
      }
      i = Math.min(j + 1, source.length);
      tokens.push({ kind: 'str', text, start, end: i });
    } else if (/[A-Za-z_]/.test(ch)) {
      const word = /^[A-Za-z_][\w]*/.exec(source.slice(i))![0];
      i += word.length;
      tokens.push({ kind: word === 'and' || word === 'or' ? 'op' : 'ident', text: word, start, end: i });
    } else if ('();'.includes(ch)) {
      i++;
      tokens.push({ kind: 'punct', text: ch, start, end: i });
    } else {
      const op = /^(<=|>=|!=|<>|[=<>+\-*/%&|])/.exec(source.slice(i))?.[0];
      i += op ? op.length : 1;
      // Anything else is plain text to Make; keep it as one-character text tokens.
      tokens.push({ kind: op ? 'op' : 'ident', text: op ?? ch, start, end: i });
    }
  }
  return tokens;
}

function parseReference(text: string): { moduleId: number; path: PathSegment[] } {
  const moduleId = Number(/^\d+/.exec(text)![0]);
  const path: PathSegment[] = [];
  const re = /\.(?:`([^`]*)`|([\w$-]+))|\[(\d*)\]/g;
  re.lastIndex = String(moduleId).length;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1] !== undefined || m[2] !== undefined) path.push({ field: m[1] ?? m[2] });
    else path.push(m[3] === '' ? { all: true } : { index: Number(m[3]) });
  }
  return { moduleId, path };
}

const BINARY: Array<{ ops: string[]; js: (op: string) => string }> = [
  { ops: ['|', 'or'], js: () => 'or' },
  { ops: ['&', 'and'], js: () => 'and' },
  { ops: ['=', '!=', '<>', '<', '>', '<=', '>='], js: (op) => (op === '<>' ? '!=' : op) },
  { ops: ['+', '-'], js: (op) => op },
  { ops: ['*', '/', '%'], js: (op) => op },
];

class FormulaParser {
  private index = 0;
  private readonly tokens: Tok[];

  constructor(
    private readonly source: string,
    private readonly ctx: FormulaContext,
  ) {
    this.tokens = tokenize(source);
  }

  parseAll(): string {
    if (this.tokens.length === 0) return '""';
    const result = this.expression(0);
    if (this.index < this.tokens.length) return JSON.stringify(this.source.trim());
    return result.js;
  }

  private peek(): Tok | undefined {
    return this.tokens[this.index];
  }

  private expression(level: number): Translated {
    if (level >= BINARY.length) return this.unary();
    let left = this.expression(level + 1);
    for (let t = this.peek(); t && t.kind === 'op' && BINARY[level].ops.includes(t.text); t = this.peek()) {
      this.index++;
      const right = this.expression(level + 1);
      left = { js: `(${left.js} ${BINARY[level].js(t.text)} ${right.js})` };
    }
    return left;
  }

  private unary(): Translated {
    const t = this.peek();
    if (t?.kind === 'op' && t.text === '-') {
      this.index++;
      return { js: `-${this.unary().js}` };
    }
    return this.primary();
  }

  private primary(): Translated {
    const t = this.peek();
    if (!t) return { js: '""', literal: '' };
    this.index++;
    switch (t.kind) {
      case 'num':
        return { js: t.text, literal: t.text };
      case 'str':
        return { js: JSON.stringify(t.text), literal: t.text };
      case 'ref': {
        const { moduleId, path } = parseReference(t.text);
        if (path.some((p) => 'field' in p && p.field.startsWith('__IMT'))) this.ctx.flag(`Make's bundle metadata "${t.text}" has no equivalent; rewrite it`);
        return { js: this.ctx.reference(moduleId, path) };
      }
      case 'punct':
        if (t.text === '(') {
          const inner = this.expression(0);
          if (this.peek()?.text === ')') this.index++;
          return { js: `(${inner.js})` };
        }
        return { js: '""', literal: '' };
      case 'ident': {
        if (this.peek()?.text === '(') {
          this.index++;
          const args = this.arguments();
          return { js: translateFunction(t.text, args, this.ctx) };
        }
        const keyword = KEYWORDS[t.text];
        if (keyword) return { js: keyword };
        return { js: JSON.stringify(t.text), literal: t.text };
      }
      default:
        return { js: JSON.stringify(t.text), literal: t.text };
    }
  }

  /** Arguments up to the closing `)`; an argument that is not one expression is Make's plain text. */
  private arguments(): Translated[] {
    const args: Translated[] = [];
    if (this.peek()?.text === ')') {
      this.index++;
      return args;
    }
    for (;;) {
      const startToken = this.index;
      let arg = this.expression(0);
      const next = this.peek();
      if (next && next.text !== ';' && next.text !== ')') {
        // Plain text such as `Yes please`: take the raw source up to the next top-level ; or ).
        this.index = startToken;
        let depth = 0;
        while (this.peek() && !(depth === 0 && (this.peek()!.text === ';' || this.peek()!.text === ')'))) {
          if (this.peek()!.text === '(') depth++;
          if (this.peek()!.text === ')') depth--;
          this.index++;
        }
        const from = this.tokens[startToken]?.start ?? 0;
        const to = this.tokens[this.index - 1]?.end ?? from;
        const text = this.source.slice(from, to).trim();
        arg = { js: JSON.stringify(text), literal: text };
      }
      args.push(arg);
      const sep = this.peek();
      this.index++;
      if (!sep || sep.text === ')') return args;
    }
  }
}

/**
 * Translates the inside of one Make placeholder to JSONata.
 *
 * @example
 * translateFormula('formatDate(now; "YYYY-MM-DD")', ctx) // → '$fromMillis($millis(), "[Y0001]-[M01]-[D01]")'
 * translateFormula('1.data.status', ctx)                // → 'steps.m1.output.data.status'
 */
export function translateFormula(source: string, ctx: FormulaContext): string {
  return new FormulaParser(source, ctx).parseAll();
}
