/** Problems of the open scenario: the validator's, refreshed as the user edits, plus the server's. */
import type { Problem } from '../../../engine/scenario/validate';
import { createStore } from './create-store';

export interface ValidationState {
  problems: Problem[];
  /** Problems by node id, for the badge on each node. */
  byNode: ReadonlyMap<string, Problem[]>;
}

export const validationStore = createStore<ValidationState>({ problems: [], byNode: new Map() });

/** @example setProblems(validateScenario(doc, registry).problems) */
export function setProblems(problems: Problem[]): void {
  const byNode = new Map<string, Problem[]>();
  for (const p of problems) if (p.nodeId) byNode.set(p.nodeId, [...(byNode.get(p.nodeId) ?? []), p]);
  validationStore.set({ problems, byNode });
}
