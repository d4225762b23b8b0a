/**
 * Run history in SQL: upserting a run with its steps in one round of
 * statements, reading it back in the shape the CLI prints — whole, as an
 * overview without the steps' bundles, or one step — and paging the run
 * list newest first.
 */
import type { Redactor } from '../runtime/redact';
import type { RunOverview, RunRecord, RunStatus, StepRecord } from '../runtime/types';
import { redactWait, runOutputOf, stepPosition } from '../runtime/record';
import { summarizeRun } from '../runtime/step-summary';
import { decodeCursor, encodeCursor } from './cursor';
import type { SqlClient, SqlQueryable } from './sql-client';
import type { RunListQuery, RunPage, RunSummary } from './store';
import {
  stepFromStored,
  stepsFromStored,
  storedSteps,
  summariesFromStored,
  type StepColumns,
  type StoredStep,
  type StoredSummary,
} from './stored-steps';

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
  /** Since migration 4; null on runs written before it, whose overview is made from their steps. */
  step_summaries?: StoredSummary[] | null;
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

/** Runs per INSERT: 14 parameters each, well under PostgreSQL's 65,535 per statement. */
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

const storedWaits = (waits: RunRecord['waits'], redact: Redactor | undefined) =>
  stored(waits, redact, (all, scrub) => all.map((w) => redactWait(w, scrub)));

/**
 * The columns of a run's row, each with its type and how it is read off the record (the two step columns
 * off the steps' texts, made once per run): one list, so they cannot drift apart.
 */
const RUN_FIELDS: Array<[column: string, type: string, value: (run: RunRecord, redact: Redactor | undefined, steps: StepColumns) => unknown]> = [
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
  ['steps', 'json', (_r, _redact, steps) => steps.steps],
  ['step_summaries', 'json', (_r, _redact, steps) => steps.summaries],
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
    const tuples = chunk.map(({ run, redact }) => {
      const steps = storedSteps(run.steps, redact);
      return `(${RUN_FIELDS.map(([, type, value]) => `$${params.push(value(run, redact, steps))}::${type}`).join(', ')}, now())`;
    });
    await db.query(
      `INSERT INTO runs (${RUN_FIELDS.map(([column]) => column).join(', ')}, updated_at) VALUES ${tuples.join(', ')}
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, trigger = EXCLUDED.trigger, parent_run_id = EXCLUDED.parent_run_id,
         input = EXCLUDED.input, error = EXCLUDED.error, waits = EXCLUDED.waits, version = EXCLUDED.version,
         finished_at = EXCLUDED.finished_at, duration_ms = EXCLUDED.duration_ms, steps = EXCLUDED.steps,
         step_summaries = EXCLUDED.step_summaries, updated_at = now()`,
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
  return row && recordOfRow(db, row);
}

/** The whole record of a row that holds its steps (or of a run written before migration 3, from `run_steps`). */
async function recordOfRow(db: SqlQueryable, row: RunRow): Promise<RunRecord> {
  const records = row.steps ? stepsFromStored(row.steps) : (await db.query<StepRow>('SELECT * FROM run_steps WHERE run_id = $1 ORDER BY position', [row.id])).map(stepFromRow);
  return { ...runFromRow(row), output: runOutputOf(records), steps: records, waits: row.waits ?? [] };
}

/** The steps' text only where the row has no summaries: a small run (or an old one) is then read in the same query. */
const STEPS_WITHOUT_SUMMARIES = 'CASE WHEN r.step_summaries IS NULL THEN r.steps END AS steps';

/** Everything but the steps, which a page of runs does not show (nor their summaries). */
const SUMMARY_COLUMNS = RUN_FIELDS.filter(([column]) => column !== 'steps' && column !== 'step_summaries')
  .map(([column]) => `r.${column}`)
  .join(', ');

/**
 * The run with a summary of each step instead of the steps (see `RunOverview`): the row's small columns
 * and `step_summaries` only, never the `steps` text — a few kilobytes where the whole record of the
 * segmentation review is 25 MB. A run without summaries (small, or written before migration 4) is read whole, in the same query, and
 * summarised, once, as it always cost.
 *
 * @example (await getRunOverview(db, runId))?.steps.map((s) => [s.nodeId, s.status, s.outputBytes])
 */
export async function getRunOverview(db: SqlQueryable, id: string): Promise<RunOverview | undefined> {
  const [row] = await db.query<RunRow>(`SELECT ${SUMMARY_COLUMNS}, r.step_summaries, ${STEPS_WITHOUT_SUMMARIES} FROM runs r WHERE r.id = $1`, [id]);
  if (!row) return undefined;
  if (!row.step_summaries) return summarizeRun(await recordOfRow(db, row));
  return { ...runFromRow(row), steps: summariesFromStored(row.step_summaries), waits: row.waits ?? [] };
}

/**
 * One step of a run in full, input and output: `{ step }`, `{}` when the run has no such step (see
 * `stepPosition` for `index`), undefined when there is no such run. Only that step and the outputs it
 * shares are read off the row (the database still parses the steps' text to find them, but a few
 * megabytes cross over instead of the whole record).
 *
 * @example (await getRunStep(db, runId, 's3'))?.step?.output
 */
export async function getRunStep(db: SqlQueryable, id: string, stepId: string, index?: number): Promise<{ step?: StepRecord } | undefined> {
  const [row] = await db.query<RunRow>(`SELECT ${SUMMARY_COLUMNS}, r.step_summaries, ${STEPS_WITHOUT_SUMMARIES} FROM runs r WHERE r.id = $1`, [id]);
  if (!row) return undefined;
  if (!row.step_summaries) {
    const { steps } = await recordOfRow(db, row);
    const at = stepPosition(steps, stepId, index);
    return at < 0 ? {} : { step: steps[at] };
  }
  const at = stepPosition(row.step_summaries, stepId, index);
  if (at < 0) return {};
  const { inputOf, outputOf } = row.step_summaries[at];
  const [found] = await db.query<{ step: StoredStep; shared_input: unknown; shared_output: unknown }>(
    `SELECT steps -> $2::integer AS step, steps -> $3::integer -> 'output' AS shared_input, steps -> $4::integer -> 'output' AS shared_output
     FROM runs WHERE id = $1`,
    [id, at, inputOf ?? null, outputOf ?? null],
  );
  return found?.step ? { step: stepFromStored(found.step, found.shared_input, found.shared_output) } : {};
}

/** Newest first, filtered, one page; the cursor is the last item's sort key. */
export async function listRuns(db: SqlQueryable, query: RunListQuery): Promise<RunPage> {
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? 50), 1), 500);
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const rows = await db.query<RunRow>(
    `SELECT ${SUMMARY_COLUMNS},
       -- Counted off the summaries where there are (migration 4): counting the steps' text parses all of it, megabytes a run.
       COALESCE(json_array_length(r.step_summaries), json_array_length(r.steps), (SELECT count(*)::integer FROM run_steps s WHERE s.run_id = r.id)) AS step_count
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
