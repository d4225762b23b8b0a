/**
 * The validator's problems per stored scenario version, remembered. A saved
 * version never changes (the store numbers versions upwards, even across a
 * delete), and validating a 2,000-node scenario takes half a second, so
 * opening it in the editor should not pay that on every read.
 */
import { isDeepStrictEqual } from 'node:util';
import type { NodeRegistry } from '../../nodes/registry';
import type { Scenario } from '../scenario/schema';
import type { StoredScenario } from '../store/store';
import type { ApiIssue } from './errors';
import { problemsOf } from './scenario-checks';

/** Versions remembered; the oldest read goes first. */
const LIMIT = 200;

export interface VersionProblems {
  /** The problems of one version, validated on the first call. */
  of(id: string, version: number, scenario: Scenario): ApiIssue[];
  /**
   * Records what saving `saved` found (`checkDraft` validates the parsed document the store keeps),
   * unless the store answered with another document (a concurrent save numbered after it).
   */
  remember(stored: StoredScenario, saved: Scenario, problems: ApiIssue[]): void;
}

/** @example const problems = versionProblems(registry); res.json({ ...stored, problems: problems.of(stored.id, stored.version, stored.scenario) }); */
export function versionProblems(registry: NodeRegistry): VersionProblems {
  const known = new Map<string, ApiIssue[]>();
  const remember = (key: string, problems: ApiIssue[]) => {
    known.delete(key);
    known.set(key, problems);
    if (known.size > LIMIT) known.delete(known.keys().next().value!);
  };
  return {
    of(id, version, scenario) {
      const key = `${version}@${id}`;
      const problems = known.get(key) ?? problemsOf(scenario, registry);
      remember(key, problems);
      return problems;
    },
    remember(stored, saved, problems) {
      if (isDeepStrictEqual(stored.scenario, saved)) remember(`${stored.version}@${stored.id}`, problems);
    },
  };
}
