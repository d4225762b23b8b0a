/**
 * Steps without their bundles, for a run's overview: what a watcher needs to
 * colour nodes and list operations, at a few hundred bytes a step whatever
 * the bundles weigh.
 */
import type { RunOverview, RunRecord, StepRecord, StepSummary } from './types';

/**
 * How many bytes a value's JSON text takes, given that text.
 *
 * @example jsonBytes(JSON.stringify({ name: 'Zoë' })) // → 15
 */
export function jsonBytes(text: string | undefined): number {
  return text === undefined ? 0 : Buffer.byteLength(text, 'utf8');
}

/**
 * Bundles a step put out: an iterator's step (or one that returned several bundles) holds them as an
 * array; any other output is one bundle. The canvas bubble has always counted them so.
 *
 * @example bundlesOut([{ id: 1 }, { id: 2 }]) // → 2
 */
export function bundlesOut(output: unknown): number {
  if (output === undefined) return 0;
  return Array.isArray(output) ? output.length : 1;
}

/**
 * The step without its input and output, with their sizes in bytes and the bundle counts; its keys
 * in the step's own order.
 *
 * @example summarizeStep(step, 2, 1_157_387) // → { id: 's1', nodeId: 'load', …, inputBytes: 2, outputBytes: 1157387 }
 */
export function summarizeStep<S extends StepRecord>(step: S, inputBytes: number, outputBytes: number): Omit<S, 'input' | 'output'> & StepSummary {
  const { input, output, ...summary } = step;
  // Assigned, not spread into a new literal: V8 copies a rest object into a literal slowly (≈10 µs a step).
  return Object.assign(summary, { bundlesIn: input === undefined ? 0 : 1, bundlesOut: bundlesOut(output), inputBytes, outputBytes });
}

/**
 * The overview of a run held whole (a live run, or one stored before overviews were): each bundle is
 * measured once, however many steps share it (a step's input is the very object an earlier step output).
 *
 * @example summarizeRun(await engine.getRun(runId)).steps[1].outputBytes // → 1157387
 */
export function summarizeRun(run: RunRecord): RunOverview {
  const measured = new Map<unknown, number>();
  const bytes = (value: unknown) => {
    if (value === undefined) return 0;
    const isObject = value !== null && typeof value === 'object';
    let size = isObject ? measured.get(value) : undefined;
    if (size === undefined) {
      size = jsonBytes(JSON.stringify(value));
      if (isObject) measured.set(value, size);
    }
    return size;
  };
  const { output: _output, steps, ...rest } = run;
  return { ...rest, steps: steps.map((step) => summarizeStep(step, bytes(step.input), bytes(step.output))) };
}
