/**
 * The in-process queue driver (embedded mode): jobs are timers and a FIFO in
 * this process. It keeps the same contract as BullMQ — one job per run, a
 * run never processed twice at once, waits hold no slot — so the engine
 * behaves the same on both.
 */
import type { RunStart } from '../dataflow';
import type { ConsumeOptions, QueueDriver, RunJob, SegmentProcessor } from '../queue-driver';

interface Entry {
  job: RunJob;
  dueAt: number;
  /** Cancels the timer (or next-turn callback) that will make the job ready; set while one is pending. */
  cancel?: () => void;
}

export class MemoryQueueDriver implements QueueDriver {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, Entry>();
  private readonly ready: string[] = [];
  /** Runs being processed, with their job. */
  private readonly active = new Map<string, RunJob>();
  private processor?: SegmentProcessor;
  private options?: ConsumeOptions;
  private closed = false;
  private idle: Array<() => void> = [];

  async enqueue(job: RunJob, options: { delayMs?: number; wake?: boolean } = {}): Promise<void> {
    if (this.closed) throw new Error('Queue is closed');
    const dueAt = Date.now() + (options.delayMs ?? 0);
    const existing = this.entries.get(job.runId);
    if (existing) {
      if (options.wake && dueAt < existing.dueAt) this.arm(existing, dueAt);
      return;
    }
    const entry: Entry = { job, dueAt };
    this.entries.set(job.runId, entry);
    this.arm(entry, dueAt);
  }

  private arm(entry: Entry, dueAt: number): void {
    entry.dueAt = dueAt;
    entry.cancel?.();
    entry.cancel = undefined;
    const due = () => {
      entry.cancel = undefined;
      this.markReady(entry.job.runId);
      this.pump();
    };
    const delay = dueAt - Date.now();
    // A new run starts at once. A job that goes on with a run (a retry due now, a command, the check after a
    // segment) waits for the event loop's next turn, so that a run queued again and again can never keep timers
    // and sockets from being served: one did, and froze `serve` (docs/performance.md, seventeenth session).
    if (delay > 0) {
      const timer = setTimeout(due, delay);
      entry.cancel = () => clearTimeout(timer);
    } else if (!entry.job.start) {
      const nextTurn = setImmediate(due);
      entry.cancel = () => clearImmediate(nextTurn);
    } else {
      this.markReady(entry.job.runId);
      queueMicrotask(() => this.pump());
    }
  }

  private markReady(runId: string): void {
    if (!this.ready.includes(runId)) this.ready.push(runId);
  }

  async consume(processor: SegmentProcessor, options: ConsumeOptions): Promise<void> {
    this.processor = processor;
    this.options = options;
    this.pump();
  }

  private pump(): void {
    if (!this.processor || this.closed) return;
    while (this.active.size < (this.options?.concurrency ?? 1) && this.ready.length > 0) {
      const runId = this.ready.shift()!;
      const entry = this.entries.get(runId);
      if (!entry || this.active.has(runId)) continue;
      this.entries.delete(runId);
      void this.process(entry);
    }
  }

  private async process(entry: Entry): Promise<void> {
    const runId = entry.job.runId;
    const controller = new AbortController();
    this.active.set(runId, entry.job);
    let continueAt: number | undefined;
    try {
      continueAt = (await this.processor!(entry.job, controller.signal)).continueAt;
    } catch (error) {
      // An infrastructure failure (not a step failure): try the segment again shortly, as BullMQ's job retry would.
      continueAt = Date.now() + 1000;
      console.error(`switchyard: segment of run ${runId} failed, retrying in 1s:`, error);
    } finally {
      this.active.delete(runId);
    }
    // A job queued for this run while it ran (a cancel, a decision) was passed over by `pump`, which never
    // runs a run twice at once: it is due now.
    const queued = this.entries.get(runId);
    if (queued && !queued.cancel && !this.ready.includes(runId)) this.arm(queued, queued.dueAt);
    if (!this.closed) {
      if (continueAt !== undefined) await this.enqueue({ runId }, { delayMs: Math.max(0, continueAt - Date.now()) });
      else await this.options?.afterComplete?.(runId);
    }
    if (this.active.size === 0 && this.ready.length === 0) for (const resolve of this.idle.splice(0)) resolve();
    this.pump();
  }

  async depth(): Promise<number> {
    return this.entries.size;
  }

  async startOf(runId: string): Promise<RunStart | undefined> {
    return (this.entries.get(runId)?.job ?? this.active.get(runId))?.start;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.entries.values()) entry.cancel?.();
    if (this.active.size > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
  }
}
