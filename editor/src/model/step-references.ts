/**
 * The nodes an expression reads the output of, as `steps.<nodeId>` (or
 * ``steps.`node-id` `` for an id JSONata would not read as a name): a
 * preview fetches those steps of the shown run, not all of them.
 *
 * @example stepsNamedIn('steps.n9.output.score > 0.7 and steps.`ml-call`.status = 200') // → ['n9', 'ml-call']
 */
export function stepsNamedIn(source: string): string[] {
  const named = new Set<string>();
  for (const m of source.matchAll(/\bsteps\s*\.\s*(?:`([^`]+)`|([A-Za-z_$][\w$]*))/g)) named.add(m[1] ?? m[2]);
  return [...named];
}
