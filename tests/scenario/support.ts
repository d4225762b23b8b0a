/** What the scenario validation tests share: a document's envelope, and what `switchyard validate` prints for it. */
import { formatProblems, validateScenario } from '../../engine/scenario/validate';
import { createRegistry } from '../../nodes';

export const registry = await createRegistry();

/** A format v1 document around `nodes` and `edges`, named by its id. */
export function scenarioDocument<N, E>(id: string, nodes: N[], edges: E[], extra: Record<string, unknown> = {}) {
  return { format: 'switchyard/scenario@1', id, name: id, ...extra, nodes, edges };
}

/** What `switchyard validate` prints for the document, one line per problem (the same list the API answers with). */
export function printed(document: unknown): string[] {
  return formatProblems(validateScenario(document, registry).problems).split('\n');
}
