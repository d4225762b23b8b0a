/**
 * Make formats dates with moment.js tokens (`YYYY-MM-DD HH:mm`); JSONata
 * with XPath picture strings (`[Y0001]-[M01]-[D01] [H01]:[m01]`).
 */

const TOKENS: Array<[string, string]> = [
  ['YYYY', '[Y0001]'],
  ['YY', '[Y01]'],
  ['MMMM', '[MNn]'],
  ['MMM', '[MNn,*-3]'],
  ['MM', '[M01]'],
  ['M', '[M1]'],
  ['Do', '[D1o]'],
  ['DD', '[D01]'],
  ['D', '[D1]'],
  ['dddd', '[FNn]'],
  ['ddd', '[FNn,*-3]'],
  ['HH', '[H01]'],
  ['H', '[H1]'],
  ['hh', '[h01]'],
  ['h', '[h1]'],
  ['mm', '[m01]'],
  ['m', '[m1]'],
  ['ss', '[s01]'],
  ['s', '[s1]'],
  ['SSS', '[f001]'],
  ['A', '[PN]'],
  ['a', '[Pn]'],
  ['ZZ', '[Z0000]'],
  ['Z', '[Z01:01]'],
];

/**
 * Converts a moment.js format to an XPath picture for `$fromMillis`;
 * undefined when it uses a token with no picture equivalent (X, x, Q, w …).
 *
 * @example momentToPicture('YYYY-MM-DDTHH:mm:ssZ') // → '[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01][Z01:01]'
 */
export function momentToPicture(format: string): string | undefined {
  let out = '';
  for (let i = 0; i < format.length; ) {
    if (format[i] === '[') {
      // moment's [literal] text
      const end = format.indexOf(']', i);
      const literal = end === -1 ? format.slice(i + 1) : format.slice(i + 1, end);
      out += literal.replace(/\[/g, '[[').replace(/\]/g, ']]');
      i = end === -1 ? format.length : end + 1;
      continue;
    }
    const token = TOKENS.find(([t]) => format.startsWith(t, i));
    if (token) {
      out += token[1];
      i += token[0].length;
    } else if (/[QwWEegGXxkNSu]/.test(format[i])) {
      return undefined;
    } else {
      out += format[i] === ']' ? ']]' : format[i];
      i++;
    }
  }
  return out;
}
