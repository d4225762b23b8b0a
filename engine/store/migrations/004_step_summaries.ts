/**
 * A summary of every step beside the steps on a run's row: status, port,
 * error, note, timings, attempts, bundle counts and the byte sizes of input
 * and output. A run's overview (`GET /api/runs/:id?steps=summary`) reads this
 * column alone: the steps' text of a large run is tens of megabytes, and even
 * counting its elements means the database parses all of it. Runs written
 * before this migration have none and are summarised from their steps.
 */
import type { Migration } from './index';

export const stepSummaries: Migration = {
  version: 4,
  name: 'step_summaries',
  statements: [`ALTER TABLE runs ADD COLUMN step_summaries json`],
};
