/**
 * In a flow each step gets the bundle an earlier step output, and a node that
 * passes its bundle on outputs that same object again. The history row
 * writes such a bundle once and the steps that share it name the step that
 * produced it; a run reads back exactly as the engine recorded it.
 */
import { describe, expect, it } from 'vitest';
import { getRun, listRuns, saveRuns } from '../../engine/store/run-queries';
import { historyDatabase } from '../support/history-database';
import { REDACTED, redactor } from '../../engine/runtime/redact';
import type { RunRecord, StepRecord } from '../../engine/runtime/types';

const history = historyDatabase();

const at = '2026-11-23T10:00:00.000Z';
const step = (id: string, nodeId: string, input: unknown, output: unknown, extra: Partial<StepRecord> = {}): StepRecord => ({
  id,
  nodeId,
  status: 'succeeded',
  attempts: 1,
  input,
  startedAt: at,
  finishedAt: at,
  durationMs: 0,
  ...(output !== undefined ? { output, port: 'out' } : {}),
  ...extra,
});

/** Trigger → parse (new bundle) → a pass-through check → two branches off it, one failing once before it succeeds. */
function flow(id: string, marker: string): RunRecord {
  const event = { userId: 'u-1', properties: { note: `${marker}-event` } };
  const parsed = { userId: 'u-1', eventType: 'page', features: { note: `${marker}-parsed` } };
  const picked = { variant: 'b', body: `${marker}-picked` };
  return {
    id,
    scenarioId: 'sharing',
    version: 1,
    status: 'succeeded',
    input: event,
    startedAt: at,
    finishedAt: at,
    durationMs: 0,
    waits: [],
    steps: [
      step('s0', 'hook', event, event),
      step('s1', 'parse', event, parsed),
      step('s2', 'check', parsed, parsed),
      step('s3', 'pick', parsed, picked),
      step('s4', 'notify', parsed, undefined, { status: 'failed', error: { message: '503 from the provider' } }),
      step('s4', 'notify', parsed, { sent: true }, { attempts: 2 }),
      step('s5', 'log', picked, picked),
    ],
  };
}

async function storedText(id: string): Promise<string> {
  const [row] = await history.client.query<{ steps: string }>('SELECT steps::text AS steps FROM runs WHERE id = $1', [id]);
  return row.steps;
}

const occurrences = (text: string, needle: string) => text.split(needle).length - 1;

describe('run history shares the bundles steps hand on', () => {
  it('writes each bundle once and reads the run back exactly as recorded, keys in order', async () => {
    const run = flow('shared', 'mark');
    const recorded = JSON.stringify(run);
    await saveRuns(history.client, [run]);

    const text = await storedText('shared');
    expect(occurrences(text, 'mark-event')).toBe(2); // the trigger step's input, and its output (the same object): once each
    expect(occurrences(text, 'mark-parsed')).toBe(1);
    expect(occurrences(text, 'mark-picked')).toBe(1);

    const back = await getRun(history.client, 'shared');
    expect(JSON.stringify(back?.steps)).toBe(JSON.stringify(run.steps));
    expect(back?.output).toEqual({ variant: 'b', body: 'mark-picked' });
    expect(JSON.stringify(run)).toBe(recorded); // the engine's record is not changed by saving it
    const page = await listRuns(history.client, { scenarioId: 'sharing' });
    expect(page.items.find((r) => r.id === 'shared')?.stepCount).toBe(7);
  });

  it('writes bundles that are equal but not the same object in full', async () => {
    const run = flow('copies', 'copy');
    run.steps = run.steps.map((s) => ({ ...s, input: structuredClone(s.input) }));
    await saveRuns(history.client, [run]);
    expect(occurrences(await storedText('copies'), 'copy-parsed')).toBe(5);
    expect(JSON.stringify((await getRun(history.client, 'copies'))?.steps)).toBe(JSON.stringify(run.steps));
  });

  it('redacts a secret inside a shared bundle wherever the run shows it', async () => {
    const run = flow('secret', 'sk_live_4242-secret');
    await saveRuns(history.client, [{ run, redact: redactor({ KEY: 'sk_live_4242' }) }]);
    expect(await storedText('secret')).not.toContain('sk_live_4242');
    const back = (await getRun(history.client, 'secret'))!;
    expect(back.steps[2].input).toEqual({ userId: 'u-1', eventType: 'page', features: { note: `${REDACTED}-secret-parsed` } });
    expect(back.steps[2].output).toEqual(back.steps[2].input);
    expect(back.steps[6].input).toEqual({ variant: 'b', body: `${REDACTED}-secret-picked` });
  });
});
