/**
 * The store: scenarios and their versions, run history, run artefacts and
 * encrypted secrets, behind one interface with one SQL implementation that
 * runs on PostgreSQL (`DATABASE_URL`) and on embedded PGlite alike.
 */
import type { RunHistory, RunOverview, RunRecord, RunStatus, ScenarioSource, StepRecord } from '../runtime/types';
import type { Scenario } from '../scenario/schema';

/** A scenario as the API returns it: its draft (latest version) plus publishing state. */
export interface StoredScenario {
  id: string;
  name: string;
  /** The latest saved version: the draft the editor shows. */
  version: number;
  /** The version webhooks and schedules run, or null when unpublished. */
  publishedVersion: number | null;
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** The document of `version`. */
  scenario: Scenario;
}

/** A published scenario with the document of its published version (for the webhook index and schedules). */
export interface PublishedScenario {
  id: string;
  version: number;
  scenario: Scenario;
}

export interface ScenarioVersionInfo {
  version: number;
  createdAt: string;
  published: boolean;
}

export interface RunListQuery {
  scenarioId?: string;
  status?: RunStatus;
  /** 1–500; default 50. */
  limit?: number;
  /** Opaque: the `nextCursor` of the previous page. */
  cursor?: string;
}

/** A run in a list: the record without its steps (which can be large). */
export type RunSummary = Omit<RunRecord, 'steps' | 'waits'> & { stepCount: number };

export interface RunPage {
  items: RunSummary[];
  nextCursor: string | null;
}

export interface Artifact {
  name: string;
  contentType: string;
  body: Uint8Array;
  createdAt?: string;
}

export interface RetentionPolicy {
  /** Finished runs older than this many days are deleted. */
  maxAgeDays?: number;
  /** Keep at most this many finished runs (the newest). */
  maxRuns?: number;
}

export interface Store extends ScenarioSource, RunHistory {
  readonly kind: 'postgres' | 'pglite';
  /** Resolves when the database answers (health checks). */
  ping(): Promise<void>;

  listScenarios(): Promise<StoredScenario[]>;
  getScenario(id: string): Promise<StoredScenario | undefined>;
  /**
   * Saves the document as the scenario's next version (version 1 when new). Saving a deleted id
   * creates it again with a history of its own: numbering goes on, and the earlier versions are
   * neither listed nor publishable (`get` still reads them for their runs).
   */
  saveScenario(document: Scenario): Promise<StoredScenario>;
  /** Soft delete: the scenario leaves every list and is unpublished; its versions stay so its runs remain readable. */
  deleteScenario(id: string): Promise<boolean>;
  /** The versions saved since the scenario was last created, newest first. */
  listVersions(id: string): Promise<ScenarioVersionInfo[]>;
  /** The document of `version` when it is one of `listVersions` (not of an earlier life of the id), else undefined. */
  getListedVersion(id: string, version: number): Promise<Scenario | undefined>;
  /** Marks `version`, one of `listVersions`, as the one triggers run; NotFoundError for any other. */
  publish(id: string, version: number): Promise<StoredScenario>;
  unpublish(id: string): Promise<StoredScenario>;
  listPublished(): Promise<PublishedScenario[]>;

  getRun(id: string): Promise<RunRecord | undefined>;
  /** The run with a summary of each step instead of its bundles; reads none of the bundles. */
  getRunOverview(id: string): Promise<RunOverview | undefined>;
  /**
   * One step in full: `{ step }`, `{}` when the run has no such step, undefined when there is no such run.
   * `index` (its place in the run's steps) picks one of the steps sharing an id; else the last of them.
   */
  getRunStep(id: string, stepId: string, index?: number): Promise<{ step?: StepRecord } | undefined>;
  listRuns(query: RunListQuery): Promise<RunPage>;

  putArtifact(runId: string, artifact: Artifact): Promise<void>;
  getArtifact(runId: string, name: string): Promise<Artifact | undefined>;
  listArtifacts(runId: string): Promise<Array<Omit<Artifact, 'body'> & { size: number }>>;

  /** Secrets are stored as ciphertext only; `engine/secrets` encrypts and decrypts. */
  /** Embedded mode: a parked run's machine snapshot, kept across restarts (see ParkedRunStateStore). */
  parkRun(runId: string, snapshot: object): Promise<void>;
  unparkRun(runId: string): Promise<void>;
  parkedRuns(): Promise<Array<{ runId: string; snapshot: object }>>;

  putSecret(name: string, ciphertext: string): Promise<void>;
  listSecrets(): Promise<Array<{ name: string; updatedAt: string }>>;
  secretCiphertexts(): Promise<Array<{ name: string; ciphertext: string }>>;
  deleteSecret(name: string): Promise<boolean>;

  /** Deletes finished runs (with steps and artefacts) past the policy; returns how many. */
  prune(policy: RetentionPolicy): Promise<number>;
  close(): Promise<void>;
}

/** Thrown for a missing scenario or version; the API maps it to 404. */
export class NotFoundError extends Error {
  readonly code = 'not_found';
}
