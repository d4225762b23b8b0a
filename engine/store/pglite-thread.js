// The embedded database's own thread: PGlite (PostgreSQL compiled to
// WebAssembly) runs here, so parsing and writing run history does not take
// turns with the engine on the main thread (docs/performance.md).
// Plain JavaScript on purpose: a worker thread starts without the TypeScript
// loader the main thread may have.
//
// Protocol (one message per statement, answered in order of arrival):
//   → { id, sql, params }   ← { id, rows } | { id, error: { message, code, … } }
//   → { id, close: true }   ← { id, rows: [] } after PGlite closed
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

const db = workerData.dataDir ? new PGlite(workerData.dataDir) : new PGlite();

/** The fields of a PostgreSQL error worth carrying across the thread boundary. */
function describe(error) {
  const { message, code, detail, hint, position, schema, table, column, constraint } = error ?? {};
  return { message: message ?? String(error), code, detail, hint, position, schema, table, column, constraint };
}

db.waitReady.then(
  () => parentPort.postMessage({ ready: true }),
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
