/**
 * The `Store` over SQL. One implementation for PostgreSQL and PGlite: the
 * adapters in `sql-client.ts` are the only place the two differ.
 */
import type { Redactor } from '../runtime/redact';
import type { RunOverview, RunRecord, StepRecord } from '../runtime/types';
import type { Scenario } from '../scenario/schema';
import { FINAL_RUN_STATUSES } from '../runtime/types';
import { getRun, getRunOverview, getRunStep, listRuns } from './run-queries';
import { RunWriter, type RunWriterOptions } from './run-writer';
import type { SqlClient } from './sql-client';
import {
  NotFoundError,
  type Artifact,
  type PublishedScenario,
  type RetentionPolicy,
  type RunListQuery,
  type RunPage,
  type ScenarioVersionInfo,
  type Store,
  type StoredScenario,
} from './store';

interface ScenarioRow {
  id: string;
  name: string;
  latest_version: number;
  published_version: number | null;
  published_at: Date | null;
  created_at: Date;
  updated_at: Date;
  document: Scenario;
}

const iso = (d: Date | string) => new Date(d).toISOString();

function scenarioFromRow(row: ScenarioRow): StoredScenario {
  return {
    id: row.id,
    name: row.name,
    version: Number(row.latest_version),
    publishedVersion: row.published_version === null ? null : Number(row.published_version),
    publishedAt: row.published_at ? iso(row.published_at) : null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    scenario: row.document,
  };
}

const SELECT_SCENARIO = `SELECT s.*, v.document FROM scenarios s
  JOIN scenario_versions v ON v.scenario_id = s.id AND v.version = s.latest_version`;

export class SqlStore implements Store {
  private readonly runWriter: RunWriter;

  /** @param history how run history is written (group commit, `run-writer.ts`) */
  constructor(
    private readonly client: SqlClient,
    history: RunWriterOptions = {},
  ) {
    this.runWriter = new RunWriter(client, history);
  }

  get kind() {
    return this.client.kind;
  }

  async ping(): Promise<void> {
    await this.client.query('SELECT 1');
  }

  async listScenarios(): Promise<StoredScenario[]> {
    const rows = await this.client.query<ScenarioRow>(`${SELECT_SCENARIO} WHERE s.deleted_at IS NULL ORDER BY s.updated_at DESC, s.id`);
    return rows.map(scenarioFromRow);
  }

  async getScenario(id: string): Promise<StoredScenario | undefined> {
    const [row] = await this.client.query<ScenarioRow>(`${SELECT_SCENARIO} WHERE s.id = $1 AND s.deleted_at IS NULL`, [id]);
    return row ? scenarioFromRow(row) : undefined;
  }

  async saveScenario(document: Scenario): Promise<StoredScenario> {
    await this.client.transaction(async (tx) => {
      // One upsert takes the row lock and numbers the version, so concurrent saves never share a number.
      // Saving a deleted id starts a new life: numbers go on (runs of the old life pin theirs), but
      // the versions listed and publishable begin at this one. SET reads the row as it was.
      const [row] = await tx.query<{ latest_version: number }>(
        `INSERT INTO scenarios (id, name, latest_version) VALUES ($1, $2, 1)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, latest_version = scenarios.latest_version + 1,
           first_version = CASE WHEN scenarios.deleted_at IS NULL THEN scenarios.first_version ELSE scenarios.latest_version + 1 END,
           created_at = CASE WHEN scenarios.deleted_at IS NULL THEN scenarios.created_at ELSE now() END,
           updated_at = now(), deleted_at = NULL
         RETURNING latest_version`,
        [document.id, document.name],
      );
      await tx.query('INSERT INTO scenario_versions (scenario_id, version, document) VALUES ($1, $2, $3::jsonb)', [
        document.id,
        row.latest_version,
        JSON.stringify(document),
      ]);
    });
    return (await this.getScenario(document.id))!;
  }

  async deleteScenario(id: string): Promise<boolean> {
    const rows = await this.client.query(
      `UPDATE scenarios SET deleted_at = now(), published_version = NULL, published_at = NULL, updated_at = now()
       WHERE id = $1 AND deleted_at IS NULL RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }

  async listVersions(id: string): Promise<ScenarioVersionInfo[]> {
    const rows = await this.client.query<{ version: number; created_at: Date; published_version: number | null }>(
      `SELECT v.version, v.created_at, s.published_version FROM scenario_versions v
       JOIN scenarios s ON s.id = v.scenario_id
       WHERE v.scenario_id = $1 AND s.deleted_at IS NULL AND v.version >= s.first_version ORDER BY v.version DESC`,
      [id],
    );
    return rows.map((r) => ({ version: Number(r.version), createdAt: iso(r.created_at), published: r.published_version === r.version }));
  }

  async getListedVersion(id: string, version: number): Promise<Scenario | undefined> {
    const [row] = await this.client.query<{ document: Scenario }>(
      `SELECT v.document FROM scenario_versions v JOIN scenarios s ON s.id = v.scenario_id
       WHERE v.scenario_id = $1 AND v.version = $2 AND s.deleted_at IS NULL AND v.version >= s.first_version`,
      [id, version],
    );
    return row?.document;
  }

  async get(scenarioId: string, version: number): Promise<Scenario | undefined> {
    // Deleted scenarios, and an earlier life of one created again, still answer: their runs in flight
    // and resumes read the pinned version.
    const [row] = await this.client.query<{ document: Scenario }>(
      'SELECT document FROM scenario_versions WHERE scenario_id = $1 AND version = $2',
      [scenarioId, version],
    );
    return row?.document;
  }

  async publish(id: string, version: number): Promise<StoredScenario> {
    const rows = await this.client.query(
      `UPDATE scenarios SET published_version = $2, published_at = now(), updated_at = now()
       WHERE id = $1 AND deleted_at IS NULL AND $2 >= first_version
         AND EXISTS (SELECT 1 FROM scenario_versions WHERE scenario_id = $1 AND version = $2)
       RETURNING id`,
      [id, version],
    );
    if (rows.length === 0) throw new NotFoundError(`Scenario "${id}" has no version ${version}`);
    return (await this.getScenario(id))!;
  }

  async unpublish(id: string): Promise<StoredScenario> {
    const rows = await this.client.query(
      `UPDATE scenarios SET published_version = NULL, published_at = NULL, updated_at = now()
       WHERE id = $1 AND deleted_at IS NULL RETURNING id`,
      [id],
    );
    if (rows.length === 0) throw new NotFoundError(`Scenario "${id}" not found`);
    return (await this.getScenario(id))!;
  }

  async listPublished(): Promise<PublishedScenario[]> {
    const rows = await this.client.query<{ id: string; version: number; document: Scenario }>(
      `SELECT s.id, v.version, v.document FROM scenarios s
       JOIN scenario_versions v ON v.scenario_id = s.id AND v.version = s.published_version
       WHERE s.deleted_at IS NULL ORDER BY s.id`,
    );
    return rows.map((r) => ({ id: r.id, version: Number(r.version), scenario: r.document }));
  }

  saveRun(run: RunRecord, redact?: Redactor): Promise<void> {
    return this.runWriter.save(run, redact);
  }

  getRun(id: string): Promise<RunRecord | undefined> {
    return getRun(this.client, id);
  }

  getRunOverview(id: string): Promise<RunOverview | undefined> {
    return getRunOverview(this.client, id);
  }

  getRunStep(id: string, stepId: string, index?: number): Promise<{ step?: StepRecord } | undefined> {
    return getRunStep(this.client, id, stepId, index);
  }

  listRuns(query: RunListQuery): Promise<RunPage> {
    return listRuns(this.client, query);
  }

  async putArtifact(runId: string, artifact: Artifact): Promise<void> {
    await this.client.query(
      `INSERT INTO run_artifacts (run_id, name, content_type, body) VALUES ($1, $2, $3, $4)
       ON CONFLICT (run_id, name) DO UPDATE SET content_type = EXCLUDED.content_type, body = EXCLUDED.body, created_at = now()`,
      [runId, artifact.name, artifact.contentType, Buffer.from(artifact.body)],
    );
  }

  async getArtifact(runId: string, name: string): Promise<Artifact | undefined> {
    const [row] = await this.client.query<{ name: string; content_type: string; body: Uint8Array; created_at: Date }>(
      'SELECT name, content_type, body, created_at FROM run_artifacts WHERE run_id = $1 AND name = $2',
      [runId, name],
    );
    return row && { name: row.name, contentType: row.content_type, body: new Uint8Array(row.body), createdAt: iso(row.created_at) };
  }

  async listArtifacts(runId: string) {
    const rows = await this.client.query<{ name: string; content_type: string; size: number; created_at: Date }>(
      'SELECT name, content_type, octet_length(body) AS size, created_at FROM run_artifacts WHERE run_id = $1 ORDER BY name',
      [runId],
    );
    return rows.map((r) => ({ name: r.name, contentType: r.content_type, size: Number(r.size), createdAt: iso(r.created_at) }));
  }

  async parkRun(runId: string, snapshot: object): Promise<void> {
    await this.client.query(
      `INSERT INTO parked_runs (run_id, snapshot) VALUES ($1, $2)
       ON CONFLICT (run_id) DO UPDATE SET snapshot = EXCLUDED.snapshot, updated_at = now()`,
      [runId, JSON.stringify(snapshot)],
    );
  }

  async unparkRun(runId: string): Promise<void> {
    await this.client.query('DELETE FROM parked_runs WHERE run_id = $1', [runId]);
  }

  async parkedRuns(): Promise<Array<{ runId: string; snapshot: object }>> {
    const rows = await this.client.query<{ run_id: string; snapshot: object | string }>('SELECT run_id, snapshot FROM parked_runs ORDER BY updated_at');
    return rows.map((r) => ({ runId: r.run_id, snapshot: typeof r.snapshot === 'string' ? JSON.parse(r.snapshot) : r.snapshot }));
  }

  async putSecret(name: string, ciphertext: string): Promise<void> {
    await this.client.query(
      `INSERT INTO secrets (name, ciphertext) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET ciphertext = EXCLUDED.ciphertext, updated_at = now()`,
      [name, ciphertext],
    );
  }

  async listSecrets() {
    const rows = await this.client.query<{ name: string; updated_at: Date }>('SELECT name, updated_at FROM secrets ORDER BY name');
    return rows.map((r) => ({ name: r.name, updatedAt: iso(r.updated_at) }));
  }

  secretCiphertexts() {
    return this.client.query<{ name: string; ciphertext: string }>('SELECT name, ciphertext FROM secrets ORDER BY name');
  }

  async deleteSecret(name: string): Promise<boolean> {
    return (await this.client.query('DELETE FROM secrets WHERE name = $1 RETURNING name', [name])).length > 0;
  }

  async prune(policy: RetentionPolicy): Promise<number> {
    const final = [...FINAL_RUN_STATUSES];
    return this.client.transaction(async (tx) => {
      const removed: string[] = [];
      if (policy.maxAgeDays !== undefined) {
        const cutoff = new Date(Date.now() - policy.maxAgeDays * 86_400_000).toISOString();
        const rows = await tx.query<{ id: string }>(
          'DELETE FROM runs WHERE status = ANY($1::text[]) AND started_at < $2 RETURNING id',
          [final, cutoff],
        );
        removed.push(...rows.map((r) => r.id));
      }
      if (policy.maxRuns !== undefined) {
        const rows = await tx.query<{ id: string }>(
          `DELETE FROM runs WHERE id IN (
             SELECT id FROM runs WHERE status = ANY($1::text[]) ORDER BY started_at DESC, id DESC OFFSET $2
           ) RETURNING id`,
          [final, Math.max(0, Math.trunc(policy.maxRuns))],
        );
        removed.push(...rows.map((r) => r.id));
      }
      if (removed.length > 0) await tx.query('DELETE FROM run_artifacts WHERE run_id = ANY($1::text[])', [removed]);
      return removed.length;
    });
  }

  async close(): Promise<void> {
    await this.runWriter.flushed();
    await this.client.close();
  }
}
