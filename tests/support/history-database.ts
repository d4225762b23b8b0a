/**
 * A migrated embedded database (PGlite on its thread) for one test file:
 * opened before its tests, closed after them.
 */
import { afterAll, beforeAll } from 'vitest';
import { migrate } from '../../engine/store/migrate';
import { pgliteThreadClient } from '../../engine/store/pglite-thread-client';
import type { SqlClient } from '../../engine/store/sql-client';

/** @example const history = historyDatabase(); … await saveRuns(history.client, [run]); */
export function historyDatabase(): { readonly client: SqlClient } {
  let client: SqlClient | undefined;
  beforeAll(async () => {
    client = await pgliteThreadClient();
    await migrate(client);
  });
  afterAll(async () => {
    await client?.close();
  });
  return {
    get client() {
      if (!client) throw new Error('the history database opens in beforeAll; use it inside a test');
      return client;
    },
  };
}
