/**
 * The queue driver interface: how run segments are scheduled and consumed.
 * Two real implementations: BullMQ on Redis (`drivers/bullmq-queue.ts`) and
 * in-process (`drivers/memory-queue.ts`), run by the same engine test suite.
 *
 * One job per run, keyed by the run id: a job advances its run as far as it
 * can (a *segment*), then completes, or re-delays itself until a wait or a
 * retry is due. A waiting run holds no worker slot.
 */
import type { RunStart } from './dataflow';

export interface RunJob {
  runId: string;
  /** Present on the job that creates the run. */
  start?: RunStart;
}

/** What processing a segment asks of the driver. */
export interface SegmentOutcome {
  /** Run the job again at this epoch ms (a delay or a retry is due then). */
  continueAt?: number;
}

export type SegmentProcessor = (job: RunJob, signal: AbortSignal) => Promise<SegmentOutcome>;

export interface ConsumeOptions {
  concurrency: number;
  /** Called after a job for `runId` has completed and left the queue (commands may have arrived meanwhile). */
  afterComplete?: (runId: string) => Promise<void>;
}

export interface QueueDriver {
  readonly kind: 'memory' | 'bullmq';
  /**
   * Schedules the job for `job.runId`. A job already queued for that run is
   * not duplicated; with `wake`, one sleeping in the delayed set is brought forward.
   */
  enqueue(job: RunJob, options?: { delayMs?: number; wake?: boolean }): Promise<void>;
  /** Starts consuming jobs in this process. */
  consume(processor: SegmentProcessor, options: ConsumeOptions): Promise<void>;
  /** Jobs waiting or delayed (not active). */
  depth(): Promise<number>;
  /**
   * How the run starts, while its creating job is queued or running: until its first segment ends,
   * a run's live state holds its steps but not its start, so only the job can tell what the run is.
   */
  startOf(runId: string): Promise<RunStart | undefined>;
  /** Stops taking jobs, lets active ones finish, releases connections. */
  close(): Promise<void>;
}
