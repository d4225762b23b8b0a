/**
 * The embedded database on its own thread: a {@link SqlClient} whose PGlite
 * runs in a worker thread (`pglite-thread.js`). PGlite is synchronous
 * WebAssembly; on the main thread every history write — parsing each step's
 * input and output into JSONB — stopped the engine, the webhook and the API
 * while it ran (about a fifth of the embedded server's busy time on the User
 * Segmentation benchmark, docs/performance.md).
 *
 * One statement runs at a time, in order; a transaction holds the line from
 * BEGIN to COMMIT so no other statement lands inside it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SqlClient, SqlQueryable } from './sql-client';

interface Answer {
  id?: number;
  ready?: boolean;
  rows?: unknown[];
  error?: { message: string; [field: string]: unknown };
}

interface Waiting {
  resolve(rows: unknown[]): void;
  reject(error: Error): void;
}

/** An error from the database thread, with PostgreSQL's fields (`code`, `detail`, …) kept. */
function databaseError(error: NonNullable<Answer['error']>): Error {
  const { message, ...fields } = error;
  return Object.assign(new Error(message), Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)));
}

class PgliteThreadClient implements SqlClient {
  readonly kind = 'pglite' as const;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private stopped?: Error;
  /** The end of the line of statements and transactions waiting their turn. */
  private line: Promise<unknown> = Promise.resolve();

  constructor(private readonly worker: Worker) {
    worker.on('message', (answer: Answer) => {
      if (answer.id === undefined) return;
      const waiting = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      // The thread keeps the process alive only while a statement is out.
      if (this.waiting.size === 0) worker.unref();
      if (answer.error) waiting?.reject(databaseError(answer.error));
      else waiting?.resolve(answer.rows ?? []);
    });
    const stop = (error: Error) => {
      this.stopped = error;
      for (const w of this.waiting.values()) w.reject(error);
      this.waiting.clear();
    };
    worker.on('error', (error) => stop(new Error(`The embedded database thread failed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => stop(new Error(`The embedded database thread stopped (exit code ${code})`)));
  }

  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.inTurn(() => this.send<T>({ sql, params }));
  }

  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    const tx: SqlQueryable = { query: (sql, params = []) => this.send({ sql, params }) };
    return this.inTurn(async () => {
      await tx.query('BEGIN');
      try {
        const result = await fn(tx);
        await tx.query('COMMIT');
        return result;
      } catch (error) {
        await tx.query('ROLLBACK').catch(() => {});
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    if (!this.stopped) await this.inTurn(() => this.send({ close: true }));
    await this.worker.terminate();
  }

  private inTurn<T>(fn: () => Promise<T>): Promise<T> {
    const turn = this.line.then(fn);
    this.line = turn.catch(() => {});
    return turn;
  }

  private send<T>(message: { sql?: string; params?: unknown[]; close?: boolean }): Promise<T[]> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise<T[]>((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve: resolve as (rows: unknown[]) => void, reject });
      this.worker.postMessage({ id, ...message });
    });
  }
}

/** Starts the database thread and waits until PGlite is ready (or failed to start). */
async function startThread(workerData: { dataDir?: string; createOnly?: boolean }): Promise<Worker> {
  const worker = new Worker(new URL('./pglite-thread.js', import.meta.url), { workerData });
  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error) => {
      void worker.terminate();
      reject(new Error(`The embedded database could not start: ${error.message}`, { cause: error }));
    };
    worker.once('error', failed);
    worker.once('message', (answer: Answer) => {
      worker.off('error', failed);
      if (answer.ready) resolve();
      else failed(databaseError(answer.error ?? { message: 'no reason given' }));
    });
  });
  return worker;
}

/**
 * Starts PGlite on its own thread: in `dataDir`, or in memory without one.
 *
 * A data folder that holds no database yet is created by a thread of its own
 * first, which then ends. Creating it (PostgreSQL's initdb) leaves about
 * 500 MB of WebAssembly memory behind as garbage, which the thread's
 * collector frees only once enough JavaScript has run there: an idle first
 * `npm start` stayed at ≈ 0.9 GB resident, a later start on the same folder
 * at ≈ 0.5 GB. The extra thread adds a second or two to that first start only
 * (docs/performance.md).
 *
 * @example const client = await pgliteThreadClient({ dataDir: '.switchyard/db' });
 */
export async function pgliteThreadClient(options: { dataDir?: string } = {}): Promise<SqlClient> {
  const { dataDir } = options;
  if (dataDir && !existsSync(path.join(dataDir, 'PG_VERSION'))) await (await startThread({ dataDir, createOnly: true })).terminate();
  const worker = await startThread({ dataDir });
  worker.unref();
  return new PgliteThreadClient(worker);
}
