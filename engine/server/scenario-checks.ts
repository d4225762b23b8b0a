/**
 * What the API accepts as a scenario. Saving needs a readable v1 document
 * (a draft may still be unfinished: an unconfigured node, a missing edge);
 * publishing and running need one without errors.
 */
import type { NodeRegistry } from '../../nodes/registry';
import { SCENARIO_FORMAT, type Scenario } from '../scenario/schema';
import { validateScenario, type Problem } from '../scenario/validate';
import { ApiError, type ApiIssue } from './errors';

/** What the API adds around a document when it answers; a client sending a scenario back as it got it must not store them. */
const RESPONSE_KEYS = ['version', 'publishedVersion', 'publishedAt', 'createdAt', 'updatedAt', 'scenario', 'problems'];

/** Beyond an unreadable structure, duplicate ids make a document unstorable: nothing could point at one node. */
const STRUCTURAL = new Set(['duplicate-id']);

const issueOf = (p: Problem): ApiIssue => ({ path: p.path, message: p.message, severity: p.severity, code: p.code, ...(p.nodeId ? { nodeId: p.nodeId } : {}) });

/**
 * Parses a document for saving, or throws 400 with every structural issue.
 * `expectedId` fills in or checks the id when the URL names it.
 * @example const { scenario, problems } = checkDraft(req.body, registry, req.params.id);
 */
export function checkDraft(document: unknown, registry: NodeRegistry, expectedId?: string): { scenario: Scenario; problems: ApiIssue[] } {
  if (!document || typeof document !== 'object' || Array.isArray(document)) {
    throw new ApiError(400, 'invalid_scenario', 'The body must be a scenario document (a JSON object)', [{ path: '(root)', message: 'Expected an object' }]);
  }
  let body = Object.fromEntries(Object.entries(document).filter(([key]) => !RESPONSE_KEYS.includes(key)));
  if (expectedId !== undefined) {
    if (body.id === undefined) body = { ...body, id: expectedId };
    else if (body.id !== expectedId) {
      throw new ApiError(400, 'invalid_scenario', `The document's id ${JSON.stringify(body.id) ?? 'undefined'} differs from the URL's "${expectedId}"`, [
        { path: 'id', message: `Must be "${expectedId}" (the id in the URL)` },
      ]);
    }
  }
  const result = validateScenario(body, registry);
  const blocking = result.problems.filter((p) => p.severity === 'error' && STRUCTURAL.has(p.code));
  if (!result.scenario || blocking.length > 0) {
    // Every problem, not only the ones that block saving: one answer names all there is to fix, as `switchyard validate` does.
    const issues = result.problems.map(issueOf);
    throw new ApiError(400, 'invalid_scenario', `The scenario is not a valid ${SCENARIO_FORMAT} document (${issues.length} issue${issues.length === 1 ? '' : 's'})`, issues);
  }
  return { scenario: result.scenario, problems: result.problems.map(issueOf) };
}

/**
 * All problems of a stored version, for the API to show next to it.
 * @example problemsOf(stored.scenario, registry) // [{ path: 'nodes[2].config.url', message: 'Required', … }]
 */
export function problemsOf(scenario: Scenario, registry: NodeRegistry): ApiIssue[] {
  return validateScenario(scenario, registry).problems.map(issueOf);
}

/**
 * Throws `status` (422 by default) when the version has errors, naming each.
 * @example assertRunnable(doc, registry, 'publish');
 */
export function assertRunnable(scenario: Scenario, registry: NodeRegistry, action: 'publish' | 'run', version: number): void {
  const errors = problemsOf(scenario, registry).filter((p) => p.severity === 'error');
  if (errors.length === 0) return;
  throw new ApiError(422, 'scenario_invalid', `Cannot ${action} version ${version} of "${scenario.id}": it has ${errors.length} error${errors.length === 1 ? '' : 's'}`, errors);
}
