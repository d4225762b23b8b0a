/** The server's issues (`error.issues`, a stored version's `problems`) as validator problems. */
import type { Problem } from '../../../engine/scenario/validate';
import type { ApiIssue, Scenario } from '../api/types';

/**
 * Finds the node from `nodes[i]` in the path when the server did not name it.
 *
 * @example issuesToProblems([{ path: 'nodes[1].config.url', message: 'Required' }], doc)[0].nodeId // 'n2'
 */
export function issuesToProblems(issues: ReadonlyArray<ApiIssue>, doc: Scenario): Problem[] {
  return issues.map((issue) => {
    const index = /^nodes\[(\d+)\]/.exec(issue.path ?? '')?.[1];
    return {
      path: issue.path ?? '',
      message: issue.message,
      severity: issue.severity ?? 'error',
      code: issue.code ?? 'server',
      nodeId: issue.nodeId ?? (index !== undefined ? doc.nodes[Number(index)]?.id : undefined),
    };
  });
}

/**
 * Joins the live problems (the validator in the browser) with the server's
 * for the saved version. The browser rebuilds config schemas from JSON
 * Schema, which drops custom messages, so where both report the same place
 * the server's wording wins; problems only the server finds (a node type's
 * own checks) stay while the document is as the server saw it.
 *
 * @example mergeProblems(validateScenario(doc, registry).problems, serverProblems, dirty)
 */
export function mergeProblems(live: ReadonlyArray<Problem>, server: ReadonlyArray<Problem>, unchanged: boolean): Problem[] {
  const key = (p: Problem) => `${p.nodeId ?? ''}|${p.path}`;
  const byPlace = new Map(server.map((p) => [key(p), p]));
  const merged = live.map((p) => byPlace.get(key(p)) ?? p);
  if (!unchanged) return merged;
  const seen = new Set(live.map(key));
  return [...merged, ...server.filter((p) => !seen.has(key(p)))];
}
