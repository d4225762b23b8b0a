/**
 * Group commit for run history: every run saved while a write is in flight
 * waits for it to finish and then goes out together with the others in one
 * statement. Measured on the User Segmentation benchmark: a commit per run
 * was the largest cost of embedded mode (PGlite), see docs/performance.md.
 *
 * Under load a write may also wait a little for more runs first — the
 * `commit_delay` of PostgreSQL's own group commit. It waits only when runs
 * arrive closer together than the delay, so a lone run is written at once;
 * and never past `commitBatch` runs. In PGlite a statement costs about as
 * much as the runs in it, so four runs a statement instead of two took about
 * a tenth off the embedded server's CPU per run; in PostgreSQL, a third of
 * the database's own (docs/performance.md, fix 23).
 */
import type { Redactor } from '../runtime/redact';
import type { RunRecord } from '../runtime/types';
import { saveRuns, type RunToSave } from './run-queries';
import type { SqlClient } from './sql-client';

interface Pending extends RunToSave {
  resolve(): void;
  reject(error: unknown): void;
}

export interface RunWriterOptions {
  /** Most runs in one statement (keeps a statement's parameters bounded). Default 200. */
  maxBatch?: number;
  /** How long a write waits for more runs when runs arrive closer together than this. Default 0: never. */
  commitDelayMs?: number;
  /** A write that waits goes out as soon as this many runs are queued. Default 16. */
  commitBatch?: number;
}

export class RunWriter {
  private queue: Pending[] = [];
  private writing?: Promise<void>;
  private lastArrival = Number.NEGATIVE_INFINITY;
  /** Whether the last two runs arrived within the commit delay of each other. */
  private busy = false;
  private wake?: () => void;
  private readonly maxBatch: number;
  private readonly commitDelayMs: number;
  private readonly commitBatch: number;

  constructor(
    private readonly client: SqlClient,
    options: RunWriterOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 200;
    this.commitDelayMs = options.commitDelayMs ?? 0;
    this.commitBatch = Math.min(options.commitBatch ?? 16, this.maxBatch);
  }

  /**
   * Resolves once the run is committed (with the batch it joined).
   *
   * @example await writer.save(runRecord);
   */
  save(run: RunRecord, redact?: Redactor): Promise<void> {
    const now = performance.now();
    this.busy = now - this.lastArrival < this.commitDelayMs;
    this.lastArrival = now;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ run, redact, resolve, reject });
      if (this.queue.length >= this.commitBatch) this.wake?.();
      this.writing ??= this.drain();
    });
  }

  /** Waits up to the commit delay, or until `commitBatch` runs are queued. */
  private gather(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.commitDelayMs);
      this.wake = done;
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      if (this.busy && this.queue.length < this.commitBatch) await this.gather();
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await saveRuns(this.client, batch);
        for (const p of batch) p.resolve();
      } catch (error) {
        if (batch.length === 1) batch[0].reject(error);
        else {
          // One bad run must not fail the others: write them one by one to tell which.
          for (const p of batch) await saveRuns(this.client, [p]).then(p.resolve, p.reject);
        }
      }
    }
    this.writing = undefined;
  }

  /** Resolves when every run handed over so far is written. */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }
}
