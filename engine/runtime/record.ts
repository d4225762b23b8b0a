/** The run record (what the CLI prints and the API returns), read off a run's context. */
import type { RunContext } from './dataflow';
import { statusOf, waitsOf } from './dataflow';
import type { Redact } from './redact';
import type { RunRecord, StepRecord, WaitRecord } from './types';

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

/**
 * Where a step is in a run's steps (or their summaries): at `index` when given and it is that step,
 * else the last with that id — a step kept incomplete (`broken`) and resumed after a fix runs again
 * under its id. -1 when there is none.
 *
 * @example stepPosition(record.steps, 's4') // → 5
 */
export function stepPosition(steps: ReadonlyArray<{ id: string }>, stepId: string, index?: number): number {
  if (index !== undefined) return steps[index]?.id === stepId ? index : -1;
  return steps.findLastIndex((s) => s.id === stepId);
}

/**
 * What a step holds of the world — input, output, error, note — redacted. Its ids and timestamps are
 * the engine's own and stay as they are, whatever a short secret (a "2026") happens to match.
 */
export function redactStep(step: StepRecord, redact: Redact): StepRecord {
  return { ...step, input: redact(step.input), output: redact(step.output), error: redact(step.error) as StepRecord['error'], note: redact(step.note) as string | undefined };
}

/** A wait's message redacted (it may have been rendered from a template). */
export function redactWait(wait: WaitRecord, redact: Redact): WaitRecord {
  return { ...wait, message: redact(wait.message) as string | undefined };
}

/**
 * The run record with everything it holds of the world redacted (see {@link redactStep}).
 *
 * @example redactRecord(runRecordOf(ctx), redactor(secrets))
 */
export function redactRecord(run: RunRecord, redact: Redact): RunRecord {
  return {
    ...run,
    input: redact(run.input),
    output: redact(run.output),
    error: redact(run.error) as RunRecord['error'],
    steps: run.steps.map((s) => redactStep(s, redact)),
    waits: run.waits.map((w) => redactWait(w, redact)),
  };
}
