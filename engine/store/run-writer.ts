/**
 * Group commit for run history: every run saved while a write is in flight
 * waits for it to finish and then goes out together with the others in one
 * transaction. One run alone is written at once (no added latency); under
 * load, one commit carries as many runs as arrived meanwhile. Measured on
 * the User Segmentation benchmark: a commit per run was the largest cost of
 * embedded mode (PGlite), see docs/performance.md.
 */
import type { Redactor } from '../runtime/redact';
import type { RunRecord } from '../runtime/types';
import { saveRuns, type RunToSave } from './run-queries';
import type { SqlClient } from './sql-client';

interface Pending extends RunToSave {
  resolve(): void;
  reject(error: unknown): void;
}

export class RunWriter {
  private queue: Pending[] = [];
  private writing?: Promise<void>;

  /** @param maxBatch most runs in one transaction (keeps a statement's JSON parameter bounded). */
  constructor(
    private readonly client: SqlClient,
    private readonly maxBatch = 200,
  ) {}

  /**
   * Resolves once the run is committed (with the batch it joined).
   *
   * @example await writer.save(runRecord);
   */
  save(run: RunRecord, redact?: Redactor): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ run, redact, resolve, reject });
      this.writing ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
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
