/** Scenarios with their versions, runs with their steps, run artefacts, and encrypted secrets. */
import type { Migration } from './index';

export const initial: Migration = {
  version: 1,
  name: 'initial',
  statements: [
    `CREATE TABLE scenarios (
      id text PRIMARY KEY,
      name text NOT NULL,
      latest_version integer NOT NULL,
      published_version integer,
      published_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz
    )`,
    // Every save is a row here; runs pin (scenario_id, version), so rows are never rewritten.
    `CREATE TABLE scenario_versions (
      scenario_id text NOT NULL REFERENCES scenarios(id),
      version integer NOT NULL,
      document jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (scenario_id, version)
    )`,
    `CREATE TABLE runs (
      id text PRIMARY KEY,
      scenario_id text NOT NULL,
      version integer NOT NULL,
      status text NOT NULL,
      trigger text,
      parent_run_id text,
      input jsonb,
      error jsonb,
      waits jsonb NOT NULL DEFAULT '[]',
      started_at timestamptz NOT NULL,
      finished_at timestamptz,
      duration_ms integer,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    // The run list pages by (started_at, id) newest first, optionally within one scenario.
    `CREATE INDEX runs_by_start ON runs (started_at DESC, id DESC)`,
    `CREATE INDEX runs_by_scenario ON runs (scenario_id, started_at DESC, id DESC)`,
    `CREATE INDEX runs_by_status ON runs (status, started_at DESC)`,
    `CREATE TABLE run_steps (
      run_id text NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      step_id text NOT NULL,
      position integer NOT NULL,
      node_id text NOT NULL,
      status text NOT NULL,
      attempts integer NOT NULL,
      input jsonb,
      output jsonb,
      port text,
      error jsonb,
      note text,
      started_at timestamptz NOT NULL,
      finished_at timestamptz,
      duration_ms integer,
      PRIMARY KEY (run_id, step_id)
    )`,
    // No foreign key: a node may attach an artefact before the run's first history write.
    `CREATE TABLE run_artifacts (
      run_id text NOT NULL,
      name text NOT NULL,
      content_type text NOT NULL,
      body bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (run_id, name)
    )`,
    `CREATE TABLE secrets (
      name text PRIMARY KEY,
      ciphertext text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
  ],
};
