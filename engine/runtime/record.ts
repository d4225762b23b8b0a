/** The run record (what the CLI prints and the API returns), read off a run's context. */
import type { RunContext } from './dataflow';
import { statusOf, waitsOf } from './dataflow';
import type { RunRecord, StepRecord } from './types';

/**
 * A run's output: that of its last step that succeeded (or went on with a substitute).
 *
 * @example runOutputOf(record.steps) // → { greeting: 'hello Ada' }
 */
export function runOutputOf(steps: readonly StepRecord[]): unknown {
  return steps.findLast((s) => s.status === 'succeeded' || s.status === 'resumed')?.output;
}

/**
 * @example const record = runRecordOf(snapshot.context); record.status // → 'succeeded'
 */
export function runRecordOf(ctx: RunContext): RunRecord {
  const status = statusOf(ctx);
  const finishedAt = status === 'running' || status === 'waiting' ? undefined : ctx.finishedAt;
  return {
    id: ctx.runId,
    scenarioId: ctx.scenarioId,
    version: ctx.version,
    status,
    input: ctx.trigger,
    output: runOutputOf(ctx.steps),
    startedAt: ctx.startedAt,
    finishedAt,
    durationMs: finishedAt ? Math.max(0, Date.parse(finishedAt) - Date.parse(ctx.startedAt)) : undefined,
    error: ctx.failure,
    steps: ctx.steps,
    waits: waitsOf(ctx),
    trigger: ctx.triggerKind,
    parentRunId: ctx.parentRunId,
  };
}
