/**
 * The label shorthand on edges out of a router (DESIGN.md): `> 0.7`,
 * `<= 0.7`, `>= 10`, `!= x` compare the router's `value` with a literal;
 * plain text like `page` means `value = "page"`; `else` marks the fallback.
 */

export type RouteCondition = { kind: 'else' } | { kind: 'expression'; source: string };

const COMPARISON = /^\s*(<=|>=|!=|==|=|<|>)\s*(.+?)\s*$/;

function literal(text: string): string {
  const trimmed = text.trim();
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(trimmed)) return trimmed;
  if (trimmed === 'true' || trimmed === 'false' || trimmed === 'null') return trimmed;
  const unquoted = /^(["'])(.*)\1$/.exec(trimmed)?.[2] ?? trimmed;
  return JSON.stringify(unquoted);
}

/**
 * Turns a router edge's label into the condition it stands for.
 *
 * @example routeConditionFromLabel('> 0.7') // → { kind: 'expression', source: 'value > 0.7' }
 * @example routeConditionFromLabel('page')  // → { kind: 'expression', source: 'value = "page"' }
 */
export function routeConditionFromLabel(label: string): RouteCondition {
  const text = label.trim();
  if (/^else$/i.test(text) || /^otherwise$/i.test(text) || /^default$/i.test(text)) return { kind: 'else' };
  const match = COMPARISON.exec(text);
  if (match) {
    const op = match[1] === '==' ? '=' : match[1];
    return { kind: 'expression', source: `value ${op} ${literal(match[2])}` };
  }
  return { kind: 'expression', source: `value = ${literal(text)}` };
}
