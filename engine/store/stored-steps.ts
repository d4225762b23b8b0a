/**
 * How a run's steps are laid out on its row: the steps as one JSON text with
 * each shared bundle written once (`steps`), and beside them a summary of
 * every step (`step_summaries`, migration 4) — status, timings, bundle counts
 * and the byte sizes of input and output — so a run's overview reads a few
 * kilobytes instead of every bundle, and one step can be read back alone.
 */
import { redactStep } from '../runtime/record';
import type { Redactor } from '../runtime/redact';
import { bundlesOut, jsonBytes, summarizeStep } from '../runtime/step-summary';
import type { StepRecord, StepSummary } from '../runtime/types';

/** A step as stored: `inputOf` / `outputOf` name the earlier step whose output the input / output is. */
export type StoredStep = StepRecord & { inputOf?: number; outputOf?: number };

/** A step's summary as stored: with the step's references, so that step can be read back whole without the others. */
export type StoredSummary = StepSummary & { inputOf?: number; outputOf?: number };

/** The two columns' JSON texts. */
export interface StepColumns {
  steps: string;
  /** Null for a run whose steps' text is under {@link SUMMARY_FLOOR}. */
  summaries: string | null;
}

const isBundle = (value: unknown): value is object => value !== null && typeof value === 'object';

/**
 * A step's input is the very object an earlier step output — in a flow each
 * step gets its predecessor's bundle, and a node that passes its bundle on
 * outputs it again — so the stored steps name that step instead of writing
 * the bundle twice: the seed scenario's steps are 14–15 KB of JSON with the
 * bundles repeated and 7.5–8 KB without, and writing them was the largest single
 * cost on the embedded server's thread (docs/performance.md, fix 25). By
 * identity, not by equal content: what is left out would have been written
 * as the same text. {@link stepsFromStored} puts the bundles back.
 */
function sharingBundles(steps: StepRecord[]): StoredStep[] {
  const producedBy = new Map<object, number>();
  return steps.map((step, index) => {
    const inputOf = isBundle(step.input) ? producedBy.get(step.input) : undefined;
    let outputOf: number | undefined;
    if (isBundle(step.output)) {
      outputOf = producedBy.get(step.output);
      if (outputOf === undefined) producedBy.set(step.output, index);
    }
    if (inputOf === undefined && outputOf === undefined) return step;
    // `null` holds the key's place, so the step reads back with its keys in the order it was written.
    const shared: StoredStep = { ...step };
    if (inputOf !== undefined) {
      shared.input = null;
      shared.inputOf = inputOf;
    }
    if (outputOf !== undefined) {
      shared.output = null;
      shared.outputOf = outputOf;
    }
    return shared;
  });
}

/**
 * Below this many characters of steps' text a run is written without summaries, and its overview is
 * made from the whole record when read (as for runs written before migration 4): reading 64 KB is a
 * fraction of a millisecond, while measuring the bundles costs every run saved one more serialization
 * (≈ 40 µs for the seed scenario's run, on the embedded server's busiest thread, at hundreds of runs a
 * second). Summaries are for the runs whose bundles weigh megabytes.
 */
export const SUMMARY_FLOOR = 64 * 1024;

/**
 * The stored steps' JSON text, as it always was, and, for a large run, their summaries. Each bundle
 * stored is measured once — a shared one is as large as the output it names — so a summary costs one
 * more serialization of what is written, not of every step's input and output. (Writing the steps'
 * text a key at a time to measure the bundles on the way was slower still: joining megabyte strings
 * cost more than this.) `recorded` are the steps as the engine holds them, for the bundle counts of
 * shared outputs.
 */
function written(recorded: StepRecord[], stored: StoredStep[]): StepColumns {
  const steps = JSON.stringify(stored);
  if (steps.length < SUMMARY_FLOOR) return { steps, summaries: null };
  const outputBytes: number[] = [];
  const summaries = stored.map((step, index): StoredSummary => {
    const { inputOf, outputOf } = step;
    // References point back, to outputs measured already.
    const inputBytes = inputOf !== undefined ? outputBytes[inputOf] : jsonBytes(JSON.stringify(step.input));
    outputBytes[index] = outputOf !== undefined ? outputBytes[outputOf] : jsonBytes(JSON.stringify(step.output));
    // The step's references stay on its summary, for reading that step back alone.
    const summary = summarizeStep(step, inputBytes, outputBytes[index]);
    if (outputOf !== undefined) summary.bundlesOut = bundlesOut(recorded[index].output);
    return summary;
  });
  return { steps, summaries: JSON.stringify(summaries) };
}

/**
 * The `steps` and `step_summaries` texts of a run's row. With the run's redactor, when a secret shows
 * anywhere in the steps, what they hold of the world is redacted first (`redactStep`) — in the
 * summaries too, whose errors and notes are the steps'.
 *
 * @example const { steps, summaries } = storedSteps(run.steps, redactor(secrets));
 */
export function storedSteps(steps: StepRecord[], redact: Redactor | undefined): StepColumns {
  const shared = sharingBundles(steps);
  const plain = written(steps, shared);
  return redact?.finds(plain.steps) ? written(steps, shared.map((s) => redactStep(s, redact))) : plain;
}

/** The steps as the engine recorded them, shared bundles filled in again (rows written before fix 25 share none). */
export function stepsFromStored(stored: StoredStep[]): StepRecord[] {
  // In order: a reference is always to an earlier step, whose output is already filled in.
  for (const step of stored) {
    if (step.inputOf !== undefined) {
      step.input = stored[step.inputOf]?.output;
      delete step.inputOf;
    }
    if (step.outputOf !== undefined) {
      step.output = stored[step.outputOf]?.output;
      delete step.outputOf;
    }
  }
  return stored;
}

/** The summaries as an overview lists them: without the storage's references. */
export function summariesFromStored(stored: StoredSummary[]): StepSummary[] {
  return stored.map(({ inputOf: _inputOf, outputOf: _outputOf, ...summary }) => summary);
}

/**
 * One stored step made whole: its shared input and output are the outputs of the steps it names,
 * read alongside it.
 *
 * @example stepFromStored(row.step, row.shared_input, row.shared_output)
 */
export function stepFromStored(stored: StoredStep, sharedInput: unknown, sharedOutput: unknown): StepRecord {
  const { inputOf, outputOf, ...step } = stored;
  if (inputOf !== undefined) step.input = sharedInput;
  if (outputOf !== undefined) step.output = sharedOutput ?? undefined;
  return step;
}
