/** Saving, publishing and restoring the open scenario through the API. */
import { ApiError, api } from '../api/client';
import type { Scenario } from '../api/types';
import { issuesToProblems } from '../model/issues';
import { flowToScenario } from '../model/to-scenario';
import { editorStore, notify } from './editor-store';
import { loadScenario } from './graph-actions';
import { validationStore } from './validation-store';

/** The open scenario as a v1 document. @example JSON.stringify(currentDocument()) */
export function currentDocument(): Scenario {
  const s = editorStore.get();
  return flowToScenario(s.meta, s.nodes, s.edges);
}

/** Saves the open scenario as a new version; the server's problems land on the nodes. @example await saveScenario() */
export async function saveScenario(): Promise<boolean> {
  const doc = currentDocument();
  try {
    const stored = await api.saveScenario(doc);
    // Edits made while the save was on its way are not in it: the scenario stays unsaved, so Save and the leave guard still offer them.
    const editedMeanwhile = JSON.stringify(currentDocument()) !== JSON.stringify(doc);
    editorStore.set({ dirty: editedMeanwhile, version: stored.version, publishedVersion: stored.publishedVersion ?? undefined, serverProblems: [] });
    // Saving a draft with problems is allowed; the server says which, and they show like the validator's.
    if (stored.problems?.length) editorStore.set({ serverProblems: issuesToProblems(stored.problems, doc) });
    notify(`Saved version ${stored.version}`);
    return true;
  } catch (error) {
    fail(error, doc, 'Save failed');
    return false;
  }
}

function fail(error: unknown, doc: Scenario, what: string): void {
  if (error instanceof ApiError && error.issues.length) {
    const problems = issuesToProblems(error.issues, doc);
    // Only what failed the request (a publish names errors, not warnings): the worker adds the rest.
    editorStore.set({ serverProblems: problems, serverCheckedRevision: undefined });
    notify(`${what}: ${problems[0].path ? `${problems[0].path}: ` : ''}${problems[0].message}${problems.length > 1 ? ` (+${problems.length - 1} more)` : ''}`, 'error');
  } else notify(`${what}: ${(error as Error).message}`, 'error');
}

/**
 * Publishes the open scenario: refused while the validator finds errors,
 * saved first when there are unsaved changes.
 *
 * @example await publishScenario()
 */
export async function publishScenario(): Promise<boolean> {
  const errors = validationStore.get().problems.filter((p) => p.severity === 'error');
  if (errors.length) {
    notify(`Cannot publish: ${errors[0].path}: ${errors[0].message}${errors.length > 1 ? ` (+${errors.length - 1} more)` : ''}`, 'error');
    return false;
  }
  if (editorStore.get().dirty && !(await saveScenario())) return false;
  const doc = currentDocument();
  try {
    const stored = await api.publishScenario(doc.id, editorStore.get().version);
    editorStore.set({ publishedVersion: stored.publishedVersion ?? stored.version });
    notify(`Published version ${stored.publishedVersion ?? stored.version}`);
    return true;
  } catch (error) {
    fail(error, doc, 'Publish failed');
    return false;
  }
}

/** Puts an older version on the canvas as an unsaved change; saving makes it the newest version. */
export function restoreVersion(doc: Scenario, version: number): void {
  loadScenario(doc, {}, { keepHistory: true, dirty: true });
  notify(`Restored version ${version} — save to keep it`);
}
