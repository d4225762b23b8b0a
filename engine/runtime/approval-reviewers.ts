/**
 * Who may decide a waiting approval: one of the reviewers its node names
 * ("until a named reviewer approves"). Names are compared trimmed and
 * without regard to case: they are typed by people into the editor's
 * reviewer box, and "Ada" at the keyboard is the "ada" the scenario names.
 * The check reads the run's wait (its reviewers are the node's config as the
 * run resolved it), so it needs no scenario lookup.
 */
import { RunRefusal } from './refusal';
import type { RunRecord } from './types';

const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * The 403 refusal when the approval `nodeId` waits for named reviewers and `by` is not one of them.
 * A run not waiting there passes: that is a refusal of its own (409 not_waiting).
 * @example reviewerRefusal(run, 'gate', 'mallory') // RunRefusal: Only ada may decide the approval at "gate" …
 */
export function reviewerRefusal(run: Pick<RunRecord, 'waits'>, nodeId: string, by: string): RunRefusal | undefined {
  // The engine decides the first approval parked at the node, so that is the one whose reviewers count.
  const wait = run.waits.find((w) => w.kind === 'approval' && w.nodeId === nodeId);
  const reviewers = wait?.reviewers ?? [];
  if (reviewers.length === 0 || reviewers.some((name) => sameName(name, by))) return undefined;
  const who = new Intl.ListFormat('en', { type: 'disjunction' }).format(reviewers);
  return new RunRefusal(403, 'not_a_reviewer', `Only ${who} may decide the approval at "${nodeId}"; "${by}" is not one of its reviewers`, [
    { path: 'by', message: `Not a reviewer of "${nodeId}" (reviewers: ${reviewers.join(', ')})` },
  ]);
}
