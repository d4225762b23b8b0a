/**
 * The editor's side of the validation worker: send the current document,
 * get its problems; an answer to an older request than the newest is dropped.
 * Without Worker support it validates in place, loading the validator then:
 * the main bundle stays without it (and without zod), so it starts sooner.
 */
import type { Problem } from '../../../engine/scenario/validate';
import type { NodeTypeDescription, Scenario } from '../api/types';
import type { ValidationRequest, ValidationResponse } from './protocol';

let worker: Worker | undefined;
let sentDescriptions: NodeTypeDescription[] | undefined;
let counter = 0;
const pending = new Map<number, (problems: Problem[]) => void>();

function getWorker(): Worker | undefined {
  if (worker || typeof Worker === 'undefined') return worker;
  worker = new Worker(new URL('./validation.worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (event: MessageEvent<ValidationResponse>) => {
    const resolve = pending.get(event.data.id);
    // Only the newest request matters; older ones are superseded.
    for (const id of pending.keys()) if (id <= event.data.id) pending.delete(id);
    resolve?.(event.data.problems);
  };
  return worker;
}

/**
 * Resolves with the document's problems, or never when a newer request overtook it.
 *
 * @example validateInBackground(doc, descriptions).then(setProblems)
 */
export function validateInBackground(doc: Scenario, descriptions: NodeTypeDescription[]): Promise<Problem[]> {
  const w = getWorker();
  if (!w) {
    return Promise.all([import('../../../engine/scenario/validate'), import('../model/client-registry')]).then(
      ([{ validateScenario }, { clientRegistry }]) => validateScenario(doc, clientRegistry(descriptions)).problems,
    );
  }
  const id = ++counter;
  const request: ValidationRequest = { id, doc, ...(sentDescriptions !== descriptions ? { descriptions } : {}) };
  sentDescriptions = descriptions;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    w.postMessage(request);
  });
}
