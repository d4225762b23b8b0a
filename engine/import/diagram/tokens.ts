/**
 * Tokens of the Make-style text diagram (seed 002). The notation is line
 * based, so the tokenizer works on one line at a time and reports 1-based
 * line and column numbers for the parser's errors.
 */
import { ImportError } from '../types';

export type TokenKind = 'ident' | 'string' | 'arrow' | 'punct' | 'comment';

export interface Token {
  kind: TokenKind;
  /** The identifier, the unescaped string, the punctuation character, or the comment text. */
  value: string;
  line: number;
  column: number;
}

const PUNCTUATION = '.:()[],={}';
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };

/**
 * Splits one line into tokens.
 *
 * @example tokenizeLine('n1: circle label:"Start"', 4).map((t) => t.value) // → ['n1', ':', 'circle', 'label', ':', 'Start']
 */
export function tokenizeLine(text: string, line: number, columnOffset = 0): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    const column = columnOffset + i + 1;
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
    } else if (ch === '#') {
      tokens.push({ kind: 'comment', value: text.slice(i + 1).trim(), line, column });
      break;
    } else if (ch === '-' && text[i + 1] === '>') {
      tokens.push({ kind: 'arrow', value: '->', line, column });
      i += 2;
    } else if (ch === '"') {
      let value = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\') {
          const escaped = ESCAPES[text[j + 1]];
          if (escaped === undefined) throw new ImportError(`Unknown escape "\\${text[j + 1] ?? ''}" in string (use \\" \\\\ \\n or \\t)`, line, columnOffset + j + 1);
          value += escaped;
          j++;
        } else value += text[j];
      }
      if (j >= text.length) throw new ImportError('Unterminated string: missing closing "', line, column);
      tokens.push({ kind: 'string', value, line, column });
      i = j + 1;
    } else if (/[A-Za-z0-9_]/.test(ch)) {
      let j = i + 1;
      // A dash belongs to the identifier unless it starts an arrow.
      while (j < text.length && (/[A-Za-z0-9_]/.test(text[j]) || (text[j] === '-' && text[j + 1] !== '>'))) j++;
      tokens.push({ kind: 'ident', value: text.slice(i, j), line, column });
      i = j;
    } else if (PUNCTUATION.includes(ch)) {
      tokens.push({ kind: 'punct', value: ch, line, column });
      i++;
    } else {
      throw new ImportError(`Unexpected character "${ch}"`, line, column);
    }
  }
  return tokens;
}

/** Quotes a string the way the tokenizer reads it back. */
export function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r')}"`;
}
