/**
 * The shown run's steps in full, a step at a time. The Runs tab follows a run
 * by its overview; a step's input and output — megabytes each for a customer
 * data set — are fetched when someone opens that step or previews an
 * expression against it, and kept while that run is shown.
 */
import { api } from '../api/client';
import type { StepRecord } from '../api/types';
import { stepsNamedIn } from '../model/step-references';
import { runStore } from './run-store';

/** Requests under way, so a step asked for twice at once is fetched once. */
const fetching = new Map<string, Promise<StepRecord | undefined>>();

/**
 * The step at `index` of the shown run's steps, from memory or the API; undefined when there is no such step.
 *
 * @example const step = await loadRunStep(3); step?.output
 */
export function loadRunStep(index: number): Promise<StepRecord | undefined> {
  const { runId, record, stepData } = runStore.get();
  const summary = record?.steps[index];
  if (!runId || !summary) return Promise.resolve(undefined);
  const kept = stepData.get(index);
  if (kept) return Promise.resolve(kept);
  const key = `${runId}#${index}`;
  let pending = fetching.get(key);
  if (!pending) {
    pending = api.getRunStep(runId, summary.id, index).then((step) => {
      if (runStore.get().runId === runId) runStore.set((s) => ({ stepData: new Map(s.stepData).set(index, step) }));
      return step;
    });
    const forget = () => fetching.delete(key);
    pending.then(forget, forget);
    fetching.set(key, pending);
  }
  return pending;
}

/**
 * What an expression in `nodeId` sees in the shown run, as far as `source` reads it: `input` (the node's
 * last operation's input, else the trigger bundle), `trigger`, `steps.<id>.output` of the nodes it names,
 * `vars` and `run`. Undefined with no run shown.
 *
 * @example await previewScopeOf('n10', 'input.confidence > 0.7', vars) // → { input: { confidence: 0.82 }, … }
 */
export async function previewScopeOf(nodeId: string, source: string, vars: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
  const { record } = runStore.get();
  if (!record) return undefined;
  const lastOf = (id: string) => record.steps.findLastIndex((s) => s.nodeId === id);
  const named = stepsNamedIn(source).filter((id) => lastOf(id) >= 0);
  const own = lastOf(nodeId);
  const [ownStep, ...outputs] = await Promise.all([own >= 0 ? loadRunStep(own) : undefined, ...named.map((id) => loadRunStep(lastOf(id)))]);
  const steps = Object.fromEntries(named.map((id, i) => [id, { output: outputs[i]?.output }]));
  return { input: ownStep?.input ?? record.input, trigger: record.input, steps, vars, run: { id: record.id, scenarioId: record.scenarioId, startedAt: record.startedAt } };
}
