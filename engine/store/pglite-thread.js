// The embedded database's own thread: PGlite (PostgreSQL compiled to
// WebAssembly) runs here, so parsing and writing run history does not take
// turns with the engine on the main thread (docs/performance.md).
// Plain JavaScript on purpose: a worker thread starts without the TypeScript
// loader the main thread may have.
//
// Protocol (one message per statement, answered in order of arrival):
//   → { id, sql, params }   ← { id, rows } | { id, error: { message, code, … } }
//   → { id, close: true }   ← { id, rows: [] } after PGlite closed
//
// With `workerData.createOnly` the thread only creates the database in
// `dataDir` (PostgreSQL's initdb), closes it and says `{ ready: true }`; the
// caller then ends the thread, and with it the memory initdb held
// (pglite-thread-client.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

const db = workerData.dataDir ? new PGlite(workerData.dataDir) : new PGlite();

/** Emscripten's numbers for the file system errors a data folder can meet. */
const FILE_ERRORS = { 2: 'EACCES: permission denied', 20: 'EEXIST: file exists', 31: 'EISDIR: is a directory', 44: 'ENOENT: no such file or directory', 51: 'ENOSPC: no space left on device', 54: 'ENOTDIR: not a directory', 63: 'EPERM: operation not permitted', 69: 'EROFS: read-only file system' };

/** The fields of a PostgreSQL error worth carrying across the thread boundary. */
function describe(error) {
  const { message, code, detail, hint, position, schema, table, column, constraint } = error ?? {};
  // PGlite's file system fails with an ErrnoError that has a number and no message.
  const fileError = error?.name === 'ErrnoError' && `${workerData.dataDir ?? 'memory'} cannot hold the database (${FILE_ERRORS[error.errno] ?? `file system error ${error.errno}`})`;
  return { message: message ?? (fileError || String(error)), code, detail, hint, position, schema, table, column, constraint };
}

db.waitReady.then(
  async () => {
    if (workerData.createOnly) await db.close();
    parentPort.postMessage({ ready: true });
  },
  (error) => parentPort.postMessage({ ready: false, error: describe(error) }),
);

parentPort.on('message', async ({ id, sql, params, close }) => {
  try {
    if (close) {
      await db.close();
      parentPort.postMessage({ id, rows: [] });
      return;
    }
    const result = await db.query(sql, params);
    parentPort.postMessage({ id, rows: result.rows });
  } catch (error) {
    parentPort.postMessage({ id, error: describe(error) });
  }
});
