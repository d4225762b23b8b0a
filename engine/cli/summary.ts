/**
 * What `switchyard run` prints when a run settles: its status and how long
 * it took — or, for a run that has not ended (waiting for a person, or still
 * going when `--timeout` passed), what it waits on and how far it got, since
 * such a run has no duration yet.
 */
import type { RunRecord, WaitRecord } from '../runtime/types';
import { FINAL_RUN_STATUSES } from '../runtime/types';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function describeWait(wait: WaitRecord, labels: Map<string, string>): string {
  const label = labels.get(wait.nodeId);
  const node = label ? `${wait.nodeId} (${label})` : wait.nodeId;
  if (wait.kind === 'approval') {
    const who = wait.reviewers?.length ? ` by ${wait.reviewers.join(', ')}` : '';
    return `waiting at ${node}: approval${who}${wait.message ? ` — "${wait.message}"` : ''}`;
  }
  const when = wait.until !== undefined ? ` until ${new Date(wait.until).toISOString()}` : '';
  return `waiting at ${node}: ${wait.kind}${when}`;
}

/**
 * The lines that close a CLI run. `labels` maps node ids to their labels.
 *
 * @example
 * runSummary(waitingRecord, new Map([['ok', 'Sign-off']]))
 * // → ['run 5505… waiting after 1 step', 'waiting at ok (Sign-off): approval by ana, bo', '…not kept…']
 */
export function runSummary(record: RunRecord, labels: Map<string, string>, now = Date.now()): string[] {
  const steps = plural(record.steps.length, 'step');
  if (FINAL_RUN_STATUSES.has(record.status)) {
    const took = record.durationMs !== undefined ? ` in ${record.durationMs} ms` : '';
    const lines = [`run ${record.id} ${record.status}${took}, ${steps}`];
    if (record.error) lines.push(`error at ${record.error.nodeId}: ${record.error.message}`);
    if (record.output !== undefined) lines.push(JSON.stringify(record.output, null, 2));
    return lines;
  }
  const elapsed = Math.max(0, now - Date.parse(record.startedAt));
  const lines = [`run ${record.id} ${record.status} after ${steps} (${elapsed} ms so far)`];
  for (const wait of record.waits) lines.push(describeWait(wait, labels));
  // `run` holds the run in this process only: it ends with the command.
  if (record.waits.some((w) => w.kind === 'approval')) {
    lines.push('a run started by `switchyard run` ends with the command; to decide an approval, run the scenario on `switchyard serve`');
  }
  return lines;
}
