/**
 * Reading a run for the API — whole, as an overview, or one step — from
 * wherever it is current. The whole record comes from the engine (its live
 * state) or the store; the overview and single steps come from the store's
 * small columns whenever the engine says its history is current (a run that
 * is finished, waiting or incomplete, not one in the middle of a segment),
 * and are cut from the live record otherwise. Redaction is the record's: the
 * store holds steps redacted, and the engine redacts the live record. Telling
 * whether a run exists, before acting on it, reads the least of it that says so.
 */
import { stepPosition } from '../runtime/record';
import { summarizeRun } from '../runtime/step-summary';
import type { RunOverview, RunRecord, StepRecord } from '../runtime/types';
import type { ServiceContext } from './context';
import { ApiError } from './errors';

type Readers = Pick<ServiceContext, 'engine' | 'store'>;

const noRun = (id: string) => new ApiError(404, 'not_found', `Run "${id}" not found`);

/**
 * The run record, as the CLI's `--json` prints it; 404 for an unknown run.
 *
 * @example res.json(await readRun(ctx, req.params.id));
 */
export async function readRun({ engine, store }: Readers, id: string): Promise<RunRecord> {
  const run = (await engine.getRun(id)) ?? (await store.getRun(id));
  if (!run) throw noRun(id);
  return run;
}

/**
 * The run with each step summarised, without any bundle (`RunOverview`); 404 for an unknown run.
 * `justRead` is the whole run as the caller read it a moment ago (the record an action answers with):
 * summarised, when the history is behind, instead of reading the run whole again.
 *
 * @example (await readRunOverview(ctx, runId)).steps.map((s) => s.status)
 */
export async function readRunOverview(ctx: Readers, id: string, justRead?: RunRecord): Promise<RunOverview> {
  // Asked before the store is read: should a segment begin in between, the history is still the run as it just was.
  if (await ctx.engine.historyIsCurrent(id)) {
    const stored = await ctx.store.getRunOverview(id);
    if (stored) return stored;
  }
  return summarizeRun(justRead ?? (await readRun(ctx, id)));
}

/**
 * That the run exists, before an action on it; 404 for an unknown run, as {@link readRun} answers.
 * Only what never changes is answered (its id and scenario): it comes from the store's overview,
 * the row's small columns, however far the run has gone since — and from the engine only for a run
 * not in the store yet (queued, or in its first segment).
 *
 * @example const { scenarioId } = await readRunIdentity(ctx, req.params.id);
 */
export async function readRunIdentity({ engine, store }: Readers, id: string): Promise<Pick<RunRecord, 'id' | 'scenarioId'>> {
  const run = (await store.getRunOverview(id)) ?? (await engine.getRun(id));
  if (!run) throw noRun(id);
  return { id: run.id, scenarioId: run.scenarioId };
}

/**
 * One step of a run in full, input and output; 404 for an unknown run or step. `index` (the step's place
 * in the run's steps) tells apart the steps that share an id — a broken step resumed after a fix runs
 * again under its id; without it, the last of them.
 *
 * @example (await readRunStep(ctx, runId, 's3')).output
 */
export async function readRunStep(ctx: Readers, id: string, stepId: string, index?: number): Promise<StepRecord> {
  let found = (await ctx.engine.historyIsCurrent(id)) ? await ctx.store.getRunStep(id, stepId, index) : undefined;
  if (!found) {
    const { steps } = await readRun(ctx, id);
    const at = stepPosition(steps, stepId, index);
    found = at < 0 ? {} : { step: steps[at] };
  }
  if (!found.step) {
    const where = index === undefined ? '' : ` at index ${index}`;
    throw new ApiError(404, 'not_found', `Run "${id}" has no step "${stepId}"${where}`, [{ path: 'params.stepId', message: 'No such step in this run' }]);
  }
  return found.step;
}
