/**
 * The store's schema history. Append a new numbered file for every change;
 * never edit one that has shipped, because databases out there already ran it.
 */
import { initial } from './001_initial';
import { parkedRuns } from './002_parked_runs';
import { runStepsInline } from './003_run_steps_inline';
import { stepSummaries } from './004_step_summaries';
import { scenarioLives } from './005_scenario_lives';

export interface Migration {
  version: number;
  name: string;
  /** One statement per entry: PGlite's parameterised protocol runs a single statement at a time. */
  statements: string[];
}

export const migrations: Migration[] = [initial, parkedRuns, runStepsInline, stepSummaries, scenarioLives];
