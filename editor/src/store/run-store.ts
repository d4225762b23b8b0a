/**
 * The run shown over the canvas: live from server-sent events while it goes,
 * then the full record for the inspector.
 */
import type { RunRecord, RunStatus, StepRecord } from '../api/types';
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
  record: RunRecord | undefined;
  byNode: ReadonlyMap<string, NodeRunState>;
  /** Which operation of the selected node the inspector shows. */
  page: number;
}

export const runStore = createStore<RunState>({ runId: undefined, status: undefined, record: undefined, byNode: new Map(), page: 0 });

/** Starts watching a run with an empty overlay. */
export function beginRun(runId: string): void {
  runStore.set({ runId, status: 'running', record: undefined, byNode: new Map(), page: 0 });
}

/** Clears the overlay. */
export function clearRun(): void {
  runStore.set({ runId: undefined, status: undefined, record: undefined, byNode: new Map(), page: 0 });
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

/** Rebuilds the overlay from a run record's steps (a finished run picked from the history). */
export function showRecord(record: RunRecord): void {
  const byNode = new Map<string, NodeRunState>();
  for (const step of record.steps) {
    const prev = byNode.get(step.nodeId) ?? { status: step.status, operations: 0, bundles: 0 };
    byNode.set(step.nodeId, {
      status: step.status === 'running' ? prev.status : step.status,
      operations: prev.operations + (step.status === 'running' || step.status === 'waiting' ? 0 : 1),
      bundles: prev.bundles + outputCount(step),
      error: step.error?.message ?? prev.error,
    });
    if (step.status === 'waiting' || step.status === 'running') byNode.get(step.nodeId)!.status = step.status;
  }
  // A node parked on a wait (an approval, a delay) has no finished step yet; the wait says so.
  for (const wait of record.waits ?? []) {
    const prev = byNode.get(wait.nodeId) ?? { status: 'waiting', operations: 0, bundles: 0 };
    byNode.set(wait.nodeId, { ...prev, status: 'waiting' });
  }
  runStore.set({ runId: record.id, status: record.status, record, byNode, page: 0 });
}

function outputCount(step: StepRecord): number {
  // An iterator's step holds its bundles as an array; every other step holds one.
  if (step.output === undefined) return 0;
  return Array.isArray(step.output) ? step.output.length : 1;
}
