/**
 * Which versions a request may name: those of the scenario's current life
 * (`store.listVersions`). A deleted id created again keeps its earlier
 * versions only for the runs that ran them, so publishing, a test run and a
 * resume with a fixed version are refused one of those as they are an
 * unknown number.
 */
import type { Scenario } from '../scenario/schema';
import type { Store } from '../store/store';
import { ApiError } from './errors';

/**
 * The document of `version` when it is one of the scenario's listed versions; 404 naming `where` otherwise.
 * @example const scenario = await listedVersion(store, 'hello', 3, 'body.version');
 */
export async function listedVersion(store: Pick<Store, 'getListedVersion'>, scenarioId: string, version: number, where: string): Promise<Scenario> {
  const scenario = await store.getListedVersion(scenarioId, version);
  if (!scenario) throw new ApiError(404, 'not_found', `Scenario "${scenarioId}" has no version ${version}`, [{ path: where, message: 'No such version' }]);
  return scenario;
}
