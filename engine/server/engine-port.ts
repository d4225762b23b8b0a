/**
 * What the service needs from the run engine. `Engine` in
 * `engine/runtime/engine.ts` satisfies it structurally; naming the subset
 * here keeps the server's dependency on the engine explicit and small.
 */
import type { RunEventBus, RunRecord, StartRunRequest } from '../runtime/types';

export interface ApprovalDecision {
  decision: 'approved' | 'rejected';
  by: string;
  comment?: string;
}

export interface ServiceEngine {
  readonly events: RunEventBus;
  startRun(req: StartRunRequest): Promise<string>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Whether the store's record of the run is as current as the run itself (nothing has happened since it was written). */
  historyIsCurrent(runId: string): Promise<boolean>;
  waitForRun(runId: string, timeoutMs: number): Promise<RunRecord | undefined>;
  cancel(runId: string): Promise<RunRecord | undefined>;
  retry(runId: string): Promise<string>;
  resume(runId: string, opts?: { version?: number }): Promise<RunRecord | undefined>;
  decide(runId: string, nodeId: string, decision: ApprovalDecision): Promise<RunRecord | undefined>;
  queueDepth(): Promise<number>;
  /** BullMQ mode only: the BullMQ `Queue`s the dashboard shows (empty in embedded mode). */
  queues?(): unknown[];
}
