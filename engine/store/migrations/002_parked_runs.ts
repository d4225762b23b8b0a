/**
 * Parked runs: in embedded mode (no Redis) a run waiting on a delay, an
 * approval or a retry, or kept incomplete, is saved here so it survives a
 * restart of the process.
 */
import type { Migration } from './index';

export const parkedRuns: Migration = {
  version: 2,
  name: 'parked_runs',
  statements: [
    `CREATE TABLE parked_runs (
      run_id text PRIMARY KEY,
      snapshot jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
  ],
};
