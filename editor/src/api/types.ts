/** Shapes of the HTTP API as the editor reads them (DESIGN.md "Public interfaces"). */
import type { Scenario } from '../../../engine/scenario/schema';
import type { RunOverview, RunRecord, RunStatus, StepRecord, StepSummary } from '../../../engine/runtime/types';
import type { NodeTypeDescription } from '../../../nodes/registry';

export type { Scenario, RunOverview, RunRecord, RunStatus, StepRecord, StepSummary, NodeTypeDescription };

/** A stored scenario as `GET /api/scenarios/:id` answers: the store's facts and the document of its latest version. */
export interface StoredScenario {
  id: string;
  name: string;
  version: number;
  publishedVersion: number | null;
  updatedAt?: string;
  scenario: Scenario;
  /** What the validator says about this version (drafts may be invalid). */
  problems?: ApiIssue[];
}

/** One row of `GET /api/scenarios`. */
export interface ScenarioSummary {
  id: string;
  name: string;
  description?: string;
  version?: number;
  publishedVersion?: number | null;
  updatedAt?: string;
  /** The path its `trigger.webhook` listens on, if it has one. */
  webhookPath?: string | null;
}

/** One row of `GET /api/scenarios/:id/versions`. */
export interface ScenarioVersion {
  version: number;
  createdAt?: string;
  published?: boolean;
}

/** One problem as the server reports it in `error.issues`. */
export interface ApiIssue {
  path: string;
  message: string;
  severity?: 'error' | 'warning';
  nodeId?: string;
  code?: string;
}

/** Answer of `POST /api/import`: the scenario and what still needs configuring. */
export type { ImportNote, ImportResult } from '../../../engine/import/types';
