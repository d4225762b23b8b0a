/**
 * The run shown over the canvas: live from server-sent events while it goes,
 * then its overview — every step without its input and output, which for a
 * data set are megabytes — and the steps someone opened, fetched one at a
 * time (`run-step-actions.ts`).
 */
import type { RunOverview, RunStatus, StepRecord } from '../api/types';
import { createStore } from './create-store';

export interface NodeRunState {
  /** Latest status of the node's steps: running, succeeded, failed, waiting, … */
  status: string;
  /** Operations: how many times the node processed a bundle. */
  operations: number;
  /** Bundles the node put out in total. */
  bundles: number;
  error?: string;
}

export interface RunState {
  runId: string | undefined;
  status: RunStatus | undefined;
  /** The shown run's overview: status, waits, and each step's status, timings, bundle counts and sizes. */
  record: RunOverview | undefined;
  /** Steps of the shown run fetched in full, by their place in `record.steps` (a recorded step never changes). */
  stepData: ReadonlyMap<number, StepRecord>;
  byNode: ReadonlyMap<string, NodeRunState>;
  /** Which operation of the selected node the inspector shows. */
  page: number;
}

const NO_STEPS: ReadonlyMap<number, StepRecord> = new Map();

export const runStore = createStore<RunState>({ runId: undefined, status: undefined, record: undefined, stepData: NO_STEPS, byNode: new Map(), page: 0 });

/** Starts watching a run with an empty overlay. */
export function beginRun(runId: string): void {
  runStore.set({ runId, status: 'running', record: undefined, stepData: NO_STEPS, byNode: new Map(), page: 0 });
}

/** Clears the overlay. */
export function clearRun(): void {
  runStore.set({ runId: undefined, status: undefined, record: undefined, stepData: NO_STEPS, byNode: new Map(), page: 0 });
}

/** Applies one live event (`step.started`, `step.finished`, `run.finished`, …). */
export function applyRunEvent(event: { type: string; runId?: string; nodeId?: string; status?: string; bundles?: number; error?: string }): void {
  const s = runStore.get();
  if (event.runId && s.runId && event.runId !== s.runId) return;
  if (event.type === 'run.finished' || event.type === 'run.waiting') {
    runStore.set({ status: (event.type === 'run.waiting' ? 'waiting' : event.status) as RunStatus });
    return;
  }
  if (!event.nodeId) return;
  const byNode = new Map(s.byNode);
  const prev = byNode.get(event.nodeId) ?? { status: 'running', operations: 0, bundles: 0 };
  if (event.type === 'step.started') byNode.set(event.nodeId, { ...prev, status: 'running' });
  else if (event.type === 'step.finished') {
    byNode.set(event.nodeId, {
      status: event.status ?? 'succeeded',
      // A step that parked (a delay, an approval) is one operation when it ends, as in a run's record.
      operations: prev.operations + (event.status === 'waiting' ? 0 : 1),
      bundles: prev.bundles + (event.bundles ?? 0),
      error: event.error ?? prev.error,
    });
  } else return;
  runStore.set({ byNode });
}

/** Rebuilds the overlay from a run's overview (a finished run picked from the history, or the followed run as it stands). */
export function showRecord(record: RunOverview): void {
  const byNode = new Map<string, NodeRunState>();
  for (const step of record.steps) {
    const prev = byNode.get(step.nodeId) ?? { status: step.status, operations: 0, bundles: 0 };
    byNode.set(step.nodeId, {
      status: step.status === 'running' ? prev.status : step.status,
      operations: prev.operations + (step.status === 'running' || step.status === 'waiting' ? 0 : 1),
      bundles: prev.bundles + step.bundlesOut,
      error: step.error?.message ?? prev.error,
    });
    if (step.status === 'waiting' || step.status === 'running') byNode.get(step.nodeId)!.status = step.status;
  }
  // A node parked on a wait (an approval, a delay) has no finished step yet; the wait says so.
  for (const wait of record.waits ?? []) {
    const prev = byNode.get(wait.nodeId) ?? { status: 'waiting', operations: 0, bundles: 0 };
    byNode.set(wait.nodeId, { ...prev, status: 'waiting' });
  }
  // While the same run is shown (followed as it goes), the steps already fetched and the operation paged to stay:
  // a recorded step does not change.
  const same = record.id === runStore.get().runId;
  runStore.set({ runId: record.id, status: record.status, record, stepData: same ? runStore.get().stepData : NO_STEPS, byNode, page: same ? runStore.get().page : 0 });
}
