/**
 * The first version of a scenario's current life. Deleting a scenario keeps
 * its versions, because its runs pin them; creating the same id again used to
 * bring them back into its version list and let one be published. Saving a
 * deleted id now starts a new life at its next version number: the list and
 * publish see versions from `first_version` on, while a run of the earlier
 * life still reads the version it names. Scenarios saved before this
 * migration keep every version (1 onwards): which of them were deleted in
 * between was never recorded.
 */
import type { Migration } from './index';

export const scenarioLives: Migration = {
  version: 5,
  name: 'scenario_lives',
  statements: [`ALTER TABLE scenarios ADD COLUMN first_version integer NOT NULL DEFAULT 1`],
};
