/**
 * Opens the store the environment asks for: PostgreSQL when a database URL is
 * given, otherwise PGlite in `<dataDir>/db` (or in memory for tests), then
 * brings its schema up to date.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { migrate } from './migrate';
import { pgliteThreadClient } from './pglite-thread-client';
import { postgresClient, type SqlClient } from './sql-client';
import { SqlStore } from './sql-store';
import type { Store } from './store';

export interface OpenStoreOptions {
  /** `postgres://…`; defaults to nothing (embedded PGlite). */
  databaseUrl?: string;
  /** Where embedded data lives; defaults to `./.switchyard`. The database goes in its `db` folder. */
  dataDir?: string;
  /** Embedded in memory, gone on close (tests). */
  memory?: boolean;
  /** Connection pool size for PostgreSQL; default 10. */
  poolSize?: number;
  /**
   * How long a history write waits for more runs to share its statement, under load only
   * (`run-writer.ts`). Default 30 ms.
   */
  commitDelayMs?: number;
}

/**
 * At the benchmark's load: four runs a statement instead of two; the embedded server's CPU per run
 * −13%, PostgreSQL's own −35% (docs/performance.md, fix 23).
 */
const COMMIT_DELAY_MS = 30;

async function connect(options: OpenStoreOptions): Promise<SqlClient> {
  if (options.databaseUrl) {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    return postgresClient(pool);
  }
  if (options.memory) return pgliteThreadClient();
  const dir = path.join(path.resolve(options.dataDir ?? '.switchyard'), 'db');
  await mkdir(dir, { recursive: true });
  return pgliteThreadClient({ dataDir: dir });
}

/**
 * @example
 * const store = await openStore({ databaseUrl: process.env.DATABASE_URL }); // PGlite in ./.switchyard/db without it
 * const engine = await Engine.create({ registry, scenarios: store, history: store });
 */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const client = await connect(options);
  try {
    await migrate(client);
  } catch (error) {
    await client.close().catch(() => {});
    throw error;
  }
  return new SqlStore(client, { commitDelayMs: options.commitDelayMs ?? COMMIT_DELAY_MS });
}
