/**
 * The one SQL seam of the store: PostgreSQL through `pg`, or PGlite embedded.
 * Both speak the same dialect (PostgreSQL), so every query in the store is
 * written once; the adapters only differ in how they connect. PGlite's
 * adapter, which runs it on its own thread, is in `pglite-thread-client.ts`.
 */
import type pg from 'pg';

export interface SqlQueryable {
  /** Runs one parameterised statement (`$1`, `$2`, …) and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface SqlClient extends SqlQueryable {
  /** `postgres` or `pglite`, for logs and the health endpoint. */
  readonly kind: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction on one connection; rolls back when it throws. */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * @example const client = postgresClient(new pg.Pool({ connectionString: process.env.DATABASE_URL }));
 */
export function postgresClient(pool: pg.Pool): SqlClient {
  return {
    kind: 'postgres',
    async query<T>(sql: string, params: unknown[] = []) {
      return (await pool.query(sql, params)).rows as T[];
    },
    async transaction(fn) {
      const connection = await pool.connect();
      try {
        await connection.query('BEGIN');
        const result = await fn({ query: async <T>(sql: string, params: unknown[] = []) => (await connection.query(sql, params)).rows as T[] });
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        await connection.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        connection.release();
      }
    },
    close: () => pool.end(),
  };
}
