/**
 * The environment of a server or worker is fixed when it starts, and so is
 * whether each `SWITCHYARD_VAR_<NAME>` reads as the type of the var it
 * overrides. Checked against the stored scenarios at start-up, a bad one is
 * in the log before the first run of the scenario is refused (the run API
 * then answers 503 naming it; a worker's runs would fail and retry). It is a
 * warning, not a refusal to start: the other scenarios still run, and a var
 * may be a number in one scenario and text in another.
 */
import type { Scenario } from '../scenario/schema';
import { varOverrideProblems } from '../runtime/var-overrides';

/** What the check reads: the drafts and the published versions (those that webhooks and schedules run). */
export interface StoredScenarios {
  listScenarios(): Promise<Array<{ id: string; scenario: Scenario }>>;
  listPublished(): Promise<Array<{ id: string; scenario: Scenario }>>;
}

export interface VarOverrideWarning {
  scenarioId: string;
  variable: string;
  setting: string;
  expected: string;
  message: string;
}

/**
 * One warning per scenario and override that does not read, each logged at `warn`.
 *
 * @example await warnAboutVarOverrides(store, process.env, logger);
 * // logs: SWITCHYARD_VAR_MULT: "abc" is not a number, as settings.vars.MULT is; runs of "pricing" cannot start until it is fixed
 */
export async function warnAboutVarOverrides(
  store: StoredScenarios,
  env: NodeJS.ProcessEnv,
  logger?: { warn(obj: object, msg?: string): void },
): Promise<VarOverrideWarning[]> {
  if (!Object.keys(env).some((key) => key.startsWith('SWITCHYARD_VAR_'))) return [];
  const [drafts, published] = await Promise.all([store.listScenarios(), store.listPublished()]);
  const warnings = new Map<string, VarOverrideWarning>();
  for (const { id, scenario } of [...published, ...drafts]) {
    for (const problem of varOverrideProblems(scenario.settings?.vars ?? {}, env)) {
      const key = `${id}\n${problem.variable}`;
      if (warnings.has(key)) continue;
      const { variable, setting, expected } = problem;
      warnings.set(key, { scenarioId: id, variable, setting, expected, message: `${problem.message}; runs of "${id}" cannot start until it is fixed` });
    }
  }
  for (const warning of warnings.values()) {
    logger?.warn({ scenarioId: warning.scenarioId, variable: warning.variable, expected: warning.expected }, warning.message);
  }
  return [...warnings.values()];
}
