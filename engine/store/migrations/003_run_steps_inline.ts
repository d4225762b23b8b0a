/**
 * A run's steps kept on its own row, as one `json` document, instead of a
 * `run_steps` row each. Writing a run record was the embedded database's
 * main cost: seventeen rows and their index entries per run, each step's
 * input and output converted to `jsonb`. One row per run, its steps as `json`
 * (validated, stored as written, not converted) is about half the work
 * (docs/performance.md). Runs written before this migration keep their
 * `run_steps` rows and are read from there.
 */
import type { Migration } from './index';

export const runStepsInline: Migration = {
  version: 3,
  name: 'run_steps_inline',
  statements: [`ALTER TABLE runs ADD COLUMN steps json`],
};
