/**
 * Migration 3 moved a run's steps from `run_steps` rows onto the run's own
 * row. A database upgraded in place still holds runs in the old layout: they
 * must read back whole, count their steps in the run list, and take the new
 * layout when saved again (a waiting run that finishes after the upgrade).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../engine/store/migrate';
import { migrations } from '../../engine/store/migrations';
import { pgliteThreadClient } from '../../engine/store/pglite-thread-client';
import { getRun, getRunOverview, getRunStep, listRuns, saveRuns } from '../../engine/store/run-queries';
import type { SqlClient } from '../../engine/store/sql-client';
import type { RunRecord } from '../../engine/runtime/types';

let client: SqlClient;

beforeAll(async () => {
  client = await pgliteThreadClient();
  // The schema as it was before migration 3, with a run written the old way.
  await migrate(client, migrations.filter((m) => m.version < 3));
  await client.query(
    `INSERT INTO runs (id, scenario_id, version, status, trigger, input, waits, started_at)
     VALUES ('old-run', 'legacy', 1, 'waiting', 'webhook', '{"userId":"u1"}', '[{"stepId":"s2","nodeId":"approve","kind":"approval"}]', '2026-05-01T09:00:00Z')`,
  );
  await client.query(
    `INSERT INTO run_steps (run_id, step_id, position, node_id, status, attempts, input, output, port, started_at, finished_at, duration_ms) VALUES
       ('old-run', 's1', 0, 'hook', 'succeeded', 1, '{"userId":"u1"}', '{"userId":"u1"}', 'out', '2026-05-01T09:00:00Z', '2026-05-01T09:00:00.004Z', 4),
       ('old-run', 's2', 1, 'approve', 'waiting', 1, '{"userId":"u1"}', NULL, NULL, '2026-05-01T09:00:00.005Z', NULL, NULL)`,
  );
  expect(await migrate(client)).toEqual(migrations.filter((m) => m.version >= 3).map((m) => m.version));
});

afterAll(async () => {
  await client?.close();
});

describe('run history across migration 3', () => {
  it('reads a run written before the upgrade with its steps, and counts them in the list', async () => {
    const run = await getRun(client, 'old-run');
    expect(run?.status).toBe('waiting');
    expect(run?.steps.map((s) => [s.id, s.nodeId, s.status, s.output])).toEqual([
      ['s1', 'hook', 'succeeded', { userId: 'u1' }],
      ['s2', 'approve', 'waiting', undefined],
    ]);
    expect(run?.output).toEqual({ userId: 'u1' });
    const page = await listRuns(client, { scenarioId: 'legacy' });
    expect(page.items.map((r) => [r.id, r.stepCount])).toEqual([['old-run', 2]]);
    // Its overview and its steps one at a time are read off those rows as well.
    expect((await getRunOverview(client, 'old-run'))?.steps.map((s) => [s.id, s.status, s.outputBytes])).toEqual([['s1', 'succeeded', 15], ['s2', 'waiting', 0]]);
    expect((await getRunStep(client, 'old-run', 's1'))?.step?.output).toEqual({ userId: 'u1' });
  });

  it('takes the new layout when that run is saved again, and reads it back as saved', async () => {
    const before = (await getRun(client, 'old-run'))!;
    const finished: RunRecord = {
      ...before,
      status: 'succeeded',
      finishedAt: '2026-05-01T10:00:00.000Z',
      durationMs: 3_600_000,
      waits: [],
      steps: [
        before.steps[0],
        { ...before.steps[1], status: 'succeeded', output: { decision: 'approved' }, port: 'approved', finishedAt: '2026-05-01T10:00:00.000Z', durationMs: 3_599_995 },
        { id: 's3', nodeId: 'send', status: 'succeeded', attempts: 1, input: { decision: 'approved' }, output: { sent: true }, startedAt: '2026-05-01T10:00:00.000Z' },
      ],
    };
    await saveRuns(client, [finished]);
    expect(await getRun(client, 'old-run')).toEqual({ ...finished, output: { sent: true } });
    expect((await listRuns(client, { scenarioId: 'legacy' })).items[0].stepCount).toBe(3);
  });

  it('writes many runs at once, more than fit one statement, all or nothing', async () => {
    const runs: RunRecord[] = Array.from({ length: 1_201 }, (_, i) => ({
      id: `bulk-${i}`, scenarioId: 'bulk', version: 1, status: 'succeeded', input: { i }, startedAt: new Date(Date.UTC(2026, 5, 1, 0, 0, 0, i)).toISOString(),
      steps: [{ id: 's1', nodeId: 'x', status: 'succeeded', attempts: 1, input: { i }, output: { i, text: 'nul \u0000 and "quotes"' }, startedAt: '2026-06-01T00:00:00.000Z' }],
      waits: [],
    }));
    await saveRuns(client, runs);
    expect((await listRuns(client, { scenarioId: 'bulk', limit: 500 })).items).toHaveLength(500);
    expect((await getRun(client, 'bulk-1200'))?.steps[0].output).toEqual({ i: 1200, text: 'nul \u0000 and "quotes"' });

    // One bad run in a batch of many: nothing of the batch is written.
    const bad = runs.map((r) => ({ ...r, id: `again-${r.id}` }));
    bad[1_100] = { ...bad[1_100], startedAt: 'not a time' };
    await expect(saveRuns(client, bad)).rejects.toThrow(/not a time/);
    expect(await getRun(client, 'again-bulk-0')).toBeUndefined();
  });
});
