/**
 * Run history in SQL: upserting a run with its steps in one round of
 * statements, reading it back in the shape the CLI prints, and paging the
 * run list newest first.
 */
import type { RunRecord, RunStatus, StepRecord } from '../runtime/types';
import { runOutputOf } from '../runtime/record';
import { decodeCursor, encodeCursor } from './cursor';
import type { SqlClient, SqlQueryable } from './sql-client';
import type { RunListQuery, RunPage, RunSummary } from './store';

interface RunRow {
  id: string;
  scenario_id: string;
  version: number;
  status: RunStatus;
  trigger: string | null;
  parent_run_id: string | null;
  input: unknown;
  error: RunRecord['error'] | null;
  waits: RunRecord['waits'];
  started_at: Date;
  finished_at: Date | null;
  duration_ms: number | null;
  step_count?: number;
}

interface StepRow {
  step_id: string;
  node_id: string;
  status: StepRecord['status'];
  attempts: number;
  input: unknown;
  output: unknown;
  port: string | null;
  error: StepRecord['error'] | null;
  note: string | null;
  started_at: Date;
  finished_at: Date | null;
  duration_ms: number | null;
}

const iso = (d: Date | string) => new Date(d).toISOString();
const ms = (value: number | undefined) => (value === undefined ? null : Math.round(value));

/**
 * Upserts runs with all their steps in two statements, inside one
 * transaction, however many runs there are: the store's {@link RunWriter}
 * hands over every run saved while the previous batch was being written, so
 * under load one commit carries many runs (a commit is most of the cost,
 * above all in PGlite). The same run given twice is written once, as last given.
 *
 * @example await saveRuns(client, [record]);
 */
export async function saveRuns(client: SqlClient, given: RunRecord[]): Promise<void> {
  const runs = [...new Map(given.map((r) => [r.id, r])).values()];
  if (runs.length === 0) return;
  const runRows = runs.map((run) => ({
    id: run.id, scenario_id: run.scenarioId, version: run.version, status: run.status, trigger: run.trigger ?? null,
    parent_run_id: run.parentRunId ?? null, input: run.input ?? null, error: run.error ?? null, waits: run.waits ?? [],
    started_at: run.startedAt, finished_at: run.finishedAt ?? null, duration_ms: ms(run.durationMs),
  }));
  // One statement for all steps: a run with a thousand iterator bundles is still two round trips.
  const steps = runs.flatMap((run) =>
    run.steps.map((s, position) => ({
      run_id: run.id, step_id: s.id, position, node_id: s.nodeId, status: s.status, attempts: s.attempts, input: s.input ?? null, output: s.output ?? null,
      port: s.port ?? null, error: s.error ?? null, note: s.note ?? null, started_at: s.startedAt, finished_at: s.finishedAt ?? null,
      duration_ms: ms(s.durationMs),
    })),
  );
  await client.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO runs (id, scenario_id, version, status, trigger, parent_run_id, input, error, waits, started_at, finished_at, duration_ms, updated_at)
       SELECT r.id, r.scenario_id, r.version, r.status, r.trigger, r.parent_run_id, r.input, r.error, COALESCE(r.waits, '[]'::jsonb), r.started_at, r.finished_at, r.duration_ms, now()
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, scenario_id text, version integer, status text, trigger text, parent_run_id text, input jsonb,
         error jsonb, waits jsonb, started_at timestamptz, finished_at timestamptz, duration_ms integer)
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, trigger = EXCLUDED.trigger, parent_run_id = EXCLUDED.parent_run_id,
         input = EXCLUDED.input, error = EXCLUDED.error, waits = EXCLUDED.waits, version = EXCLUDED.version,
         finished_at = EXCLUDED.finished_at, duration_ms = EXCLUDED.duration_ms, updated_at = now()`,
      [JSON.stringify(runRows)],
    );
    if (steps.length === 0) return;
    await tx.query(
      `INSERT INTO run_steps (run_id, step_id, position, node_id, status, attempts, input, output, port, error, note, started_at, finished_at, duration_ms)
       SELECT s.run_id, s.step_id, s.position, s.node_id, s.status, s.attempts, s.input, s.output, s.port, s.error, s.note, s.started_at, s.finished_at, s.duration_ms
       FROM jsonb_to_recordset($1::jsonb) AS s(run_id text, step_id text, position integer, node_id text, status text, attempts integer, input jsonb, output jsonb,
         port text, error jsonb, note text, started_at timestamptz, finished_at timestamptz, duration_ms integer)
       ON CONFLICT (run_id, step_id) DO UPDATE SET position = EXCLUDED.position, status = EXCLUDED.status, attempts = EXCLUDED.attempts,
         input = EXCLUDED.input, output = EXCLUDED.output, port = EXCLUDED.port, error = EXCLUDED.error, note = EXCLUDED.note,
         finished_at = EXCLUDED.finished_at, duration_ms = EXCLUDED.duration_ms`,
      [JSON.stringify(steps)],
    );
  });
}

function runFromRow(row: RunRow): Omit<RunRecord, 'steps' | 'waits'> {
  const run: Omit<RunRecord, 'steps' | 'waits'> = {
    id: row.id,
    scenarioId: row.scenario_id,
    version: Number(row.version),
    status: row.status,
    input: row.input,
    startedAt: iso(row.started_at),
  };
  if (row.finished_at) run.finishedAt = iso(row.finished_at);
  if (row.duration_ms !== null) run.durationMs = Number(row.duration_ms);
  if (row.error) run.error = row.error;
  if (row.trigger) run.trigger = row.trigger;
  if (row.parent_run_id) run.parentRunId = row.parent_run_id;
  return run;
}

function stepFromRow(row: StepRow): StepRecord {
  const step: StepRecord = {
    id: row.step_id,
    nodeId: row.node_id,
    status: row.status,
    attempts: Number(row.attempts),
    input: row.input,
    startedAt: iso(row.started_at),
  };
  if (row.output !== null) step.output = row.output;
  if (row.port !== null) step.port = row.port;
  if (row.error) step.error = row.error;
  if (row.note !== null) step.note = row.note;
  if (row.finished_at) step.finishedAt = iso(row.finished_at);
  if (row.duration_ms !== null) step.durationMs = Number(row.duration_ms);
  return step;
}

/** The full record with steps in the order the engine reported them. */
export async function getRun(db: SqlQueryable, id: string): Promise<RunRecord | undefined> {
  const [row] = await db.query<RunRow>('SELECT * FROM runs WHERE id = $1', [id]);
  if (!row) return undefined;
  const steps = await db.query<StepRow>('SELECT * FROM run_steps WHERE run_id = $1 ORDER BY position', [id]);
  const records = steps.map(stepFromRow);
  return { ...runFromRow(row), output: runOutputOf(records), steps: records, waits: row.waits ?? [] };
}

/** Newest first, filtered, one page; the cursor is the last item's sort key. */
export async function listRuns(db: SqlQueryable, query: RunListQuery): Promise<RunPage> {
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? 50), 1), 500);
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const rows = await db.query<RunRow>(
    `SELECT r.*, (SELECT count(*)::integer FROM run_steps s WHERE s.run_id = r.id) AS step_count
     FROM runs r
     WHERE ($1::text IS NULL OR r.scenario_id = $1) AND ($2::text IS NULL OR r.status = $2)
       AND ($3::timestamptz IS NULL OR (r.started_at, r.id) < ($3::timestamptz, $4::text))
     ORDER BY r.started_at DESC, r.id DESC
     LIMIT $5`,
    [query.scenarioId ?? null, query.status ?? null, after?.startedAt ?? null, after?.id ?? null, limit + 1],
  );
  const page = rows.slice(0, limit);
  const items: RunSummary[] = page.map((row) => ({ ...runFromRow(row), stepCount: Number(row.step_count ?? 0) }));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor({ startedAt: last.startedAt, id: last.id }) : null };
}
