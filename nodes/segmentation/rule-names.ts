/**
 * The field names a JSONata expression reads, from its syntax tree — so the
 * rules step can show the values that placed a customer, and the guardrail
 * can see a sensitive attribute in a rule however it is spelled around.
 */
import jsonata from 'jsonata';

function walk(node: unknown, out: Set<string>, depth = 0): void {
  if (depth > 200 || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) walk(item, out, depth + 1);
    return;
  }
  const n = node as Record<string, unknown>;
  if (n.type === 'name' && typeof n.value === 'string') out.add(n.value);
  // `x.y` keeps its steps; objects and functions keep their parts under various keys — walk them all.
  for (const [key, value] of Object.entries(n)) if (key !== 'value' || typeof value === 'object') walk(value, out, depth + 1);
}

/**
 * Field names read by an expression (empty when it does not parse).
 *
 * @example fieldNames('frequency >= 10 and gender = "f"') // → ['frequency', 'gender']
 */
export function fieldNames(source: string): string[] {
  let ast: unknown;
  try {
    ast = jsonata(source).ast();
  } catch {
    return [];
  }
  const out = new Set<string>();
  walk(ast, out);
  return [...out];
}
