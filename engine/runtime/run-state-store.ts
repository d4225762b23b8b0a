/**
 * Where a run's durable state lives while it is not final: the last
 * checkpointed machine snapshot plus the events applied since, and an inbox
 * of commands (cancel, approval decisions, resume) sent from outside.
 * Redis in BullMQ mode (`drivers/redis-state.ts`), memory or the store in
 * embedded mode (`drivers/memory-state.ts`).
 */
import type { RunMachineEvent } from './dataflow';

/** A command sent to a run from outside its worker. */
export type RunCommand =
  | { type: 'cancel'; at: string }
  | { type: 'decide'; nodeId: string; decision: 'approved' | 'rejected'; by: string; comment?: string; at: string }
  | { type: 'resume'; version?: number; at: string };

export interface PersistedRun {
  /** The machine's persisted snapshot (XState's getPersistedSnapshot). */
  snapshot?: object;
  /** Events applied after the snapshot, in order. */
  events: RunMachineEvent[];
  /**
   * Whether commands waited in the run's inbox when the state was read, from a store that reads both
   * in one round trip. `false` lets a segment skip taking commands: one that arrives later stops the
   * next `beginStep`, and brings the run back once its job is done (`hasCommands`).
   */
  commandsWaiting?: boolean;
}

/**
 * What a final run leaves in live state when a history store keeps it: a
 * snapshot without a context. Readers find the run in the history (written
 * before the final checkpoint); the marker still tells a job delivered again
 * that its run is over.
 */
export const FINISHED_SNAPSHOT: object = Object.freeze({ finished: true });

export interface RunStateStore {
  /** The run's state, or undefined when the store holds nothing for it (a store may return an empty run instead, to say whether commands wait). */
  load(runId: string): Promise<PersistedRun | undefined>;
  /** Appends events to the run's log; durable once the promise resolves. */
  append(runId: string, events: RunMachineEvent[]): Promise<void>;
  /**
   * Before a step with outside effects: appends `pending` (events not yet
   * durable), then — only if no command waits in the inbox — `started`, in
   * one round trip. Resolves false when a command waits (`started` not written).
   */
  beginStep(runId: string, pending: RunMachineEvent[], started: RunMachineEvent): Promise<boolean>;
  /**
   * Replaces snapshot + log with a new snapshot. A final run's state expires after `retainMs`.
   * `snapshot` takes the machine's persisted snapshot (a copy of the whole context); it is called
   * at most once, before `checkpoint` returns, and not at all when the store keeps only
   * {@link FINISHED_SNAPSHOT} for a final run.
   */
  checkpoint(runId: string, snapshot: () => object, final: boolean): Promise<void>;
  /**
   * Whether the run's state is its last checkpoint with nothing logged since — or nothing is held for
   * it at all (never started, or expired). Every checkpoint follows a write of the run's history, so
   * then the history is as current as this state, and a reader can take the run from there. Cheap: it
   * reads neither the snapshot nor the log, only whether there is a log.
   */
  isAtCheckpoint(runId: string): Promise<boolean>;
  pushCommand(runId: string, command: RunCommand): Promise<void>;
  /** Removes and returns the pending commands. */
  takeCommands(runId: string): Promise<RunCommand[]>;
  hasCommands(runId: string): Promise<boolean>;
  close(): Promise<void>;
}
