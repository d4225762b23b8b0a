/**
 * A run's overview and single steps as the store reads them (migration 4):
 * the overview comes from the step summaries written beside the steps and
 * never reads the steps' text; one step is read back whole with the bundles
 * it shares; the steps' text is still exactly what `JSON.stringify` writes;
 * and runs written before the summaries existed are summarised from their steps.
 */
import { describe, expect, it } from 'vitest';
import { getRun, getRunOverview, getRunStep, listRuns, saveRuns } from '../../engine/store/run-queries';
import type { RunRecord, StepRecord } from '../../engine/runtime/types';
import { historyDatabase } from '../support/history-database';

const history = historyDatabase();
const at = '2026-11-23T10:00:00.000Z';

function segmentationLike(id: string): RunRecord {
  const customers = { customers: Array.from({ length: 2_000 }, (_, i) => ({ id: `C-${i}`, name: `Zoë ${i}`, spend: i * 3 })) };
  const scored = { scores: customers.customers.map((c) => ({ id: c.id, score: c.spend / 7 })) };
  const step = (sid: string, nodeId: string, input: unknown, output: unknown, extra: Partial<StepRecord> = {}): StepRecord => ({
    id: sid, nodeId, status: 'succeeded', attempts: 1, input, ...(output === undefined ? {} : { output, port: 'out' }), startedAt: at, finishedAt: at, durationMs: 3, ...extra,
  });
  return {
    id, scenarioId: 'overview', version: 1, status: 'incomplete', input: {}, startedAt: at, waits: [],
    steps: [
      step('s0', 'trigger', {}, {}),
      step('s1', 'load', {}, customers),
      step('s2', 'score', customers, scored),
      // Passes its bundle on: stored once, named by both its input and its output.
      step('s3', 'check', scored, scored),
      step('s4', 'each', scored, [{ n: 1 }, { n: 2 }, { n: 3 }]),
      step('s5', 'send', scored, undefined, { status: 'broken', error: { message: '503 from the provider' }, note: 'Run kept as incomplete: resume it after a fix' }),
      // The broken step resumed after a fix: the same id again.
      step('s5', 'send', scored, { sent: true }, { attempts: 2 }),
    ],
  };
}

const bytes = (value: unknown) => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value)));

function expectedOverview(run: RunRecord) {
  return {
    ...run,
    steps: run.steps.map(({ input, output, ...rest }) => ({ ...rest, bundlesIn: 1, bundlesOut: output === undefined ? 0 : Array.isArray(output) ? output.length : 1, inputBytes: bytes(input), outputBytes: bytes(output) })),
  };
}

describe('a run overview from the store', () => {
  it('lists every step with its sizes and bundle counts, and reads only the summaries', async () => {
    const run = segmentationLike('ov-1');
    await saveRuns(history.client, [run]);
    const overview = await getRunOverview(history.client, 'ov-1');
    expect(overview).toEqual(expectedOverview(run));
    expect(JSON.stringify(overview)).not.toContain('Zoë');
    expect(overview!.steps[3].inputBytes).toBe(overview!.steps[2].outputBytes);

    // Without the steps' text the overview is the same: it never reads that column.
    await history.client.query(`UPDATE runs SET steps = '[]'::json WHERE id = 'ov-1'`);
    expect(await getRunOverview(history.client, 'ov-1')).toEqual(overview);
    expect((await getRun(history.client, 'ov-1'))!.steps).toEqual([]);
    expect(await getRunOverview(history.client, 'no-such-run')).toBeUndefined();
  });

  it('reads one step whole, with the bundles it shares with earlier steps, and tells steps that share an id apart', async () => {
    const run = segmentationLike('ov-2');
    await saveRuns(history.client, [run]);
    for (const [index, step] of run.steps.entries()) {
      expect(await getRunStep(history.client, 'ov-2', step.id, index)).toEqual({ step });
    }
    // Without an index, the last step of that id: the resumed one.
    expect(await getRunStep(history.client, 'ov-2', 's5')).toEqual({ step: run.steps[6] });
    expect(await getRunStep(history.client, 'ov-2', 's5', 2)).toEqual({});
    expect(await getRunStep(history.client, 'ov-2', 'nope')).toEqual({});
    expect(await getRunStep(history.client, 'no-such-run', 's1')).toBeUndefined();
  });

  it('still writes the steps as JSON.stringify does, key for key', async () => {
    const run = segmentationLike('ov-3');
    // What JSON.stringify leaves out or converts: undefined values, a Date's toJSON, characters it escapes.
    run.steps[1] = { ...run.steps[1], note: undefined, output: { when: new Date(at), text: 'quote " backslash \\ nul \u0000 \u2028', gone: undefined } };
    await saveRuns(history.client, [run]);
    const [row] = await history.client.query<{ text: string }>(`SELECT steps::text AS text FROM runs WHERE id = 'ov-3'`);
    const readBack = await getRun(history.client, 'ov-3');
    expect(JSON.stringify(readBack!.steps)).toBe(JSON.stringify(run.steps));
    expect(JSON.parse(row.text)[1]).toEqual(JSON.parse(JSON.stringify(run.steps[1])));
    expect((await getRunOverview(history.client, 'ov-3'))!.steps[1].outputBytes).toBe(bytes(run.steps[1].output));
  });

  it('writes no summaries for a small run, and makes its overview from the whole record', async () => {
    const small: RunRecord = { ...segmentationLike('ov-small'), steps: segmentationLike('ov-small').steps.map((s) => ({ ...s, input: { n: 1 }, output: { n: 2 } })) };
    await saveRuns(history.client, [small]);
    const [row] = await history.client.query<{ step_summaries: unknown }>(`SELECT step_summaries FROM runs WHERE id = 'ov-small'`);
    expect(row.step_summaries).toBeNull();
    const { output: _output, ...record } = (await getRun(history.client, 'ov-small'))!;
    expect(await getRunOverview(history.client, 'ov-small')).toEqual(expectedOverview(record as RunRecord));
    expect(await getRunStep(history.client, 'ov-small', 's2')).toEqual({ step: small.steps[2] });
    expect((await listRuns(history.client, { scenarioId: 'overview' })).items.find((r) => r.id === 'ov-small')?.stepCount).toBe(7);
  });

  it('summarises a run saved before migration 4 from its steps', async () => {
    const run = segmentationLike('ov-4');
    await saveRuns(history.client, [run]);
    await history.client.query(`UPDATE runs SET step_summaries = NULL WHERE id = 'ov-4'`);
    const { output: _output, ...record } = (await getRun(history.client, 'ov-4'))!;
    expect(await getRunOverview(history.client, 'ov-4')).toEqual(expectedOverview(record as RunRecord));
    expect(await getRunStep(history.client, 'ov-4', 's2')).toEqual({ step: run.steps[2] });
  });
});

describe('the run list', () => {
  it('counts a run’s steps off their summaries, not their text', async () => {
    const run = segmentationLike('ov-list');
    await saveRuns(history.client, [{ ...run, scenarioId: 'overview-list' }]);
    expect((await listRuns(history.client, { scenarioId: 'overview-list' })).items.map((r) => r.stepCount)).toEqual([7]);
    // With the steps' text gone the count stands: the list did not parse it.
    await history.client.query(`UPDATE runs SET steps = '[]'::json WHERE id = 'ov-list'`);
    expect((await listRuns(history.client, { scenarioId: 'overview-list' })).items.map((r) => r.stepCount)).toEqual([7]);
  });
});
