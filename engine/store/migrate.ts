/** Applies the store's pending migrations at start-up, once, even with several servers starting together. */
import type { SqlClient } from './sql-client';
import { migrations as allMigrations, type Migration } from './migrations';

// Arbitrary constant: the advisory lock every Switchyard process takes while migrating.
const MIGRATION_LOCK = 7_302_415;

/**
 * Returns the versions it applied (empty when the schema was current).
 * @example const applied = await migrate(client); // [1] on a fresh database
 */
export async function migrate(client: SqlClient, migrations: Migration[] = allMigrations): Promise<number[]> {
  return client.transaction(async (tx) => {
    // Lock first: two servers creating the bookkeeping table at once would collide.
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.version);
    }
    return applied;
  });
}
