/**
 * The shapes a run takes outside the engine: the run record (what the CLI's
 * `--json` prints and `GET /api/runs/:id` returns), live run events, and the
 * small I/O interfaces the orchestrator is written against.
 */
import type { Scenario } from '../scenario/schema';
import type { Redactor } from './redact';

export type RunStatus = 'queued' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'incomplete' | 'cancelled';
export type StepStatus = 'running' | 'succeeded' | 'failed' | 'ignored' | 'resumed' | 'waiting' | 'stopped' | 'broken';

/** Final statuses: nothing more will happen to the run unless someone resumes or retries it. */
export const FINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(['succeeded', 'failed', 'incomplete', 'cancelled']);

/** One operation: one node processing one bundle. */
export interface StepRecord {
  /** Stable within the run; with the run id it forms the idempotency key. */
  id: string;
  nodeId: string;
  status: StepStatus;
  attempts: number;
  input: unknown;
  /** The output bundles (one for most nodes; several for an iterator). */
  output?: unknown;
  /** Port the output left on (`out`, `error`, `approved`, …). */
  port?: string;
  error?: { message: string; code?: string };
  /** Why a bundle stopped here, e.g. "no route matched". */
  note?: string;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
}

export interface WaitRecord {
  stepId: string;
  nodeId: string;
  kind: 'delay' | 'approval' | 'retry';
  /** Epoch ms for delays and retries. */
  until?: number;
  reviewers?: string[];
  message?: string;
}

/** The run record, as `switchyard run --json` prints it and the API returns it. */
export interface RunRecord {
  id: string;
  scenarioId: string;
  version: number;
  status: RunStatus;
  input: unknown;
  /** The last output bundle of the run (an `end` node's, when the path reached one). */
  output?: unknown;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  error?: { message: string; nodeId?: string; stepId?: string };
  steps: StepRecord[];
  waits: WaitRecord[];
  /** How the run was started: manual, webhook, schedule, retry, resume. */
  trigger?: string;
  /** For resumed/retried runs, the run they continue. */
  parentRunId?: string;
}

/**
 * A step without its bundles: what a run's overview lists for each step. A step's input and output
 * can be megabytes each (a customer data set); the overview says how large they are and how many
 * bundles went in and out, and `GET /api/runs/:id/steps/:stepId` gives the step in full.
 */
export interface StepSummary extends Omit<StepRecord, 'input' | 'output'> {
  /** 1: a step is one node processing one bundle (0 only for a step recorded without an input). */
  bundlesIn: number;
  /** 0 without an output; an array output counts its items (an iterator's bundles); any other output is one. */
  bundlesOut: number;
  /** Bytes of the input's JSON text (UTF-8), as the full record writes it; 0 without an input. */
  inputBytes: number;
  /** Bytes of the output's JSON text (UTF-8); 0 without an output. */
  outputBytes: number;
}

/**
 * The run record with each step summarised (`GET /api/runs/:id?steps=summary`): everything of the
 * record but the steps' bundles and the run's `output` (the output of its last succeeded step, which
 * may be as large as any step's — read that step for it).
 */
export interface RunOverview extends Omit<RunRecord, 'steps' | 'output'> {
  steps: StepSummary[];
}

/** Live events, as the SSE endpoints stream them. */
export type RunEvent =
  | { type: 'run.started'; runId: string; scenarioId: string; at: string }
  | { type: 'step.started'; runId: string; scenarioId: string; stepId: string; nodeId: string; attempt: number; at: string }
  | { type: 'step.finished'; runId: string; scenarioId: string; stepId: string; nodeId: string; status: StepStatus; bundles: number; port?: string; error?: string; durationMs: number; at: string }
  | { type: 'run.waiting'; runId: string; scenarioId: string; waits: WaitRecord[]; at: string }
  | { type: 'run.finished'; runId: string; scenarioId: string; status: RunStatus; at: string };

/** How a run is started. */
export interface StartRunRequest {
  scenarioId: string;
  version: number;
  input: unknown;
  /** Webhook request details exposed to expressions as `run.request`. */
  request?: { method: string; path: string; query: Record<string, unknown>; headers: Record<string, string> };
  trigger?: string;
  /** Supply to make starting idempotent (a webhook delivery id, a schedule tick). */
  runId?: string;
}

/** Where the engine reads scenario documents by id and version (the store, or a map for the CLI). */
export interface ScenarioSource {
  get(scenarioId: string, version: number): Promise<Scenario | undefined>;
}

/** Where decrypted secrets come from (the store's secret table, or the environment for the CLI). */
export interface SecretSource {
  all(): Promise<Record<string, string>>;
}

/** A sink for run history (the SQL store); written at segment ends, read by the API. */
export interface RunHistory {
  /**
   * Upserts the run and its steps. Called at the end of every run segment.
   * With `redact`, the record is as the engine holds it and the store redacts
   * the JSON it writes (the engine would otherwise serialize the record once
   * more only to look for secrets).
   */
  saveRun(run: RunRecord, redact?: Redactor): Promise<void>;
  /** Reads a run back (used when its live state has expired). */
  getRun?(runId: string): Promise<RunRecord | undefined>;
  /** Stores a file a step produced (see NodeContext.saveArtifact). */
  putArtifact?(runId: string, artifact: { name: string; contentType: string; body: Uint8Array }): Promise<void>;
}

/** Live run events fan-out: in-process emitter (embedded) or Redis pub/sub (BullMQ mode). */
export interface RunEventBus {
  publish(event: RunEvent): void;
  subscribe(listener: (event: RunEvent) => void): () => void;
  close(): Promise<void>;
}
