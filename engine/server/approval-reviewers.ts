/**
 * Who may decide a waiting approval: one of the reviewers its node names
 * ("until a named reviewer approves"). The engine takes any decision it is
 * given, so the API checks the name before passing one on. Names are
 * compared trimmed and without regard to case: they are typed by people
 * into the editor's reviewer box, and "Ada" at the keyboard is the "ada" the
 * scenario names. The check reads the run's wait (its reviewers are the
 * node's config as the run resolved it), so it needs no scenario lookup.
 */
import type { RunRecord } from '../runtime/types';
import { ApiError } from './errors';

const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Throws 403 when the approval `nodeId` waits for named reviewers and `by` is not one of them.
 * A run not waiting there passes: the engine answers that with 409.
 * @example assertReviewer(run, 'gate', 'mallory') // throws: Only ada may decide the approval at "gate" …
 */
export function assertReviewer(run: RunRecord, nodeId: string, by: string): void {
  // The engine decides the first approval parked at the node, so that is the one whose reviewers count.
  const wait = run.waits.find((w) => w.kind === 'approval' && w.nodeId === nodeId);
  const reviewers = wait?.reviewers ?? [];
  if (reviewers.length === 0 || reviewers.some((name) => sameName(name, by))) return;
  const who = new Intl.ListFormat('en', { type: 'disjunction' }).format(reviewers);
  throw new ApiError(403, 'not_a_reviewer', `Only ${who} may decide the approval at "${nodeId}"; "${by}" is not one of its reviewers`, [
    { path: 'body.by', message: `Not a reviewer of "${nodeId}" (reviewers: ${reviewers.join(', ')})` },
  ]);
}
