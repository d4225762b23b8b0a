/**
 * Run history in SQL: upserting a run with its steps in one round of
 * statements, reading it back in the shape the CLI prints, and paging the
 * run list newest first.
 */
import type { Redactor } from '../runtime/redact';
import type { RunRecord, RunStatus, StepRecord } from '../runtime/types';
import { redactStep, redactWait, runOutputOf } from '../runtime/record';
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
  /** Since migration 3; null on runs written before it, whose steps are rows of `run_steps`. */
  steps?: StoredStep[] | null;
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

/** Runs per INSERT: 13 parameters each, well under PostgreSQL's 65,535 per statement. */
const RUNS_PER_STATEMENT = 500;

/**
 * `value` as stored JSON. When the run came with its redactor and a secret shows anywhere in the text,
 * `worldData` gives the value with what it holds of the world (inputs, outputs, errors, messages) redacted;
 * ids and timestamps are the engine's own and stay as they are, whatever a short secret matches.
 */
function stored<T>(value: T, redact: Redactor | undefined, worldData: (value: T, redact: Redactor) => unknown): string {
  const text = JSON.stringify(value);
  return redact?.finds(text) ? JSON.stringify(worldData(value, redact)) : text;
}

const storedOrNull = (value: unknown, redact: Redactor | undefined) =>
  value === undefined || value === null ? null : stored(value, redact, (v, scrub) => scrub(v));

/** A step as stored: `inputOf` / `outputOf` name the earlier step whose output the input / output is. */
type StoredStep = StepRecord & { inputOf?: number; outputOf?: number };

const isBundle = (value: unknown): value is object => value !== null && typeof value === 'object';

/**
 * A step's input is the very object an earlier step output — in a flow each
 * step gets its predecessor's bundle, and a node that passes its bundle on
 * outputs it again — so the stored steps name that step instead of writing
 * the bundle twice: the seed scenario's steps are 14–15 KB of JSON with the
 * bundles repeated and 7.5–8 KB without, and writing them was the largest single
 * cost on the embedded server's thread (docs/performance.md, fix 25). By
 * identity, not by equal content: what is left out would have been written
 * as the same text. {@link stepsFromStored} puts the bundles back.
 */
function sharingBundles(steps: StepRecord[]): StoredStep[] {
  const producedBy = new Map<object, number>();
  return steps.map((step, index) => {
    const inputOf = isBundle(step.input) ? producedBy.get(step.input) : undefined;
    let outputOf: number | undefined;
    if (isBundle(step.output)) {
      outputOf = producedBy.get(step.output);
      if (outputOf === undefined) producedBy.set(step.output, index);
    }
    if (inputOf === undefined && outputOf === undefined) return step;
    // `null` holds the key's place, so the step reads back with its keys in the order it was written.
    const shared: StoredStep = { ...step };
    if (inputOf !== undefined) {
      shared.input = null;
      shared.inputOf = inputOf;
    }
    if (outputOf !== undefined) {
      shared.output = null;
      shared.outputOf = outputOf;
    }
    return shared;
  });
}

/** The steps as the engine recorded them, shared bundles filled in again (rows written before fix 25 share none). */
function stepsFromStored(stored: StoredStep[]): StepRecord[] {
  // In order: a reference is always to an earlier step, whose output is already filled in.
  for (const step of stored) {
    if (step.inputOf !== undefined) {
      step.input = stored[step.inputOf]?.output;
      delete step.inputOf;
    }
    if (step.outputOf !== undefined) {
      step.output = stored[step.outputOf]?.output;
      delete step.outputOf;
    }
  }
  return stored;
}

const storedSteps = (steps: StepRecord[], redact: Redactor | undefined) =>
  stored(sharingBundles(steps), redact, (all, scrub) => all.map((s) => redactStep(s, scrub)));

const storedWaits = (waits: RunRecord['waits'], redact: Redactor | undefined) =>
  stored(waits, redact, (all, scrub) => all.map((w) => redactWait(w, scrub)));

/** The columns of a run's row, each with its type and how it is read off the record: one list, so they cannot drift apart. */
const RUN_FIELDS: Array<[column: string, type: string, value: (run: RunRecord, redact: Redactor | undefined) => unknown]> = [
  ['id', 'text', (r) => r.id],
  ['scenario_id', 'text', (r) => r.scenarioId],
  ['version', 'integer', (r) => r.version],
  ['status', 'text', (r) => r.status],
  ['trigger', 'text', (r) => r.trigger ?? null],
  ['parent_run_id', 'text', (r) => r.parentRunId ?? null],
  ['input', 'jsonb', (r, redact) => storedOrNull(r.input, redact)],
  ['error', 'jsonb', (r, redact) => storedOrNull(r.error, redact)],
  ['waits', 'jsonb', (r, redact) => storedWaits(r.waits ?? [], redact)],
  ['started_at', 'timestamptz', (r) => r.startedAt],
  ['finished_at', 'timestamptz', (r) => r.finishedAt ?? null],
  ['duration_ms', 'integer', (r) => ms(r.durationMs)],
  ['steps', 'json', (r, redact) => storedSteps(r.steps, redact)],
];

/** A run to write, with the redactor for its JSON when the engine left that to the store. */
export interface RunToSave {
  run: RunRecord;
  redact?: Redactor;
}

/**
 * Upserts runs with all their steps in one statement per 500 runs: the
 * store's {@link RunWriter} hands over every run saved while the previous
 * batch was being written, so under load one statement carries many runs (a
 * statement is most of the cost, above all in PGlite). A run is one row; its
 * steps are one `json` value on it, written as given and not converted
 * (migration 3, docs/performance.md). Each value is its own parameter, so
 * the database parses every document once. The same run given twice is
 * written once, as last given.
 *
 * @example await saveRuns(client, [record, { run: live, redact: redactor(secrets) }]);
 */
export async function saveRuns(client: SqlClient, given: Array<RunRecord | RunToSave>): Promise<void> {
  const runs = [...new Map(given.map((g) => ('run' in g ? g : { run: g })).map((g) => [g.run.id, g])).values()];
  const write = async (db: SqlQueryable, chunk: RunToSave[]) => {
    const params: unknown[] = [];
    const tuples = chunk.map(({ run, redact }) => `(${RUN_FIELDS.map(([, type, value]) => `$${params.push(value(run, redact))}::${type}`).join(', ')}, now())`);
    await db.query(
      `INSERT INTO runs (${RUN_FIELDS.map(([column]) => column).join(', ')}, updated_at) VALUES ${tuples.join(', ')}
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, trigger = EXCLUDED.trigger, parent_run_id = EXCLUDED.parent_run_id,
         input = EXCLUDED.input, error = EXCLUDED.error, waits = EXCLUDED.waits, version = EXCLUDED.version,
         finished_at = EXCLUDED.finished_at, duration_ms = EXCLUDED.duration_ms, steps = EXCLUDED.steps, updated_at = now()`,
      params,
    );
  };
  if (runs.length <= RUNS_PER_STATEMENT) {
    // One statement is atomic on its own: no BEGIN and COMMIT round trips.
    if (runs.length) await write(client, runs);
    return;
  }
  await client.transaction(async (tx) => {
    for (let i = 0; i < runs.length; i += RUNS_PER_STATEMENT) await write(tx, runs.slice(i, i + RUNS_PER_STATEMENT));
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
  const records = row.steps ? stepsFromStored(row.steps) : (await db.query<StepRow>('SELECT * FROM run_steps WHERE run_id = $1 ORDER BY position', [id])).map(stepFromRow);
  return { ...runFromRow(row), output: runOutputOf(records), steps: records, waits: row.waits ?? [] };
}

/** Everything but the steps, which a page of runs does not show. */
const SUMMARY_COLUMNS = RUN_FIELDS.filter(([column]) => column !== 'steps')
  .map(([column]) => `r.${column}`)
  .join(', ');

/** Newest first, filtered, one page; the cursor is the last item's sort key. */
export async function listRuns(db: SqlQueryable, query: RunListQuery): Promise<RunPage> {
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? 50), 1), 500);
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const rows = await db.query<RunRow>(
    `SELECT ${SUMMARY_COLUMNS},
       COALESCE(json_array_length(r.steps), (SELECT count(*)::integer FROM run_steps s WHERE s.run_id = r.id)) AS step_count
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
