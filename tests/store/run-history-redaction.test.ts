/**
 * The engine hands a finished segment's record to the store with its
 * redactor, and the store redacts the JSON it writes: no secret reaches run
 * history, whatever part of the record holds it, and the record the engine
 * keeps is not changed.
 */
import { describe, expect, it } from 'vitest';
import { getRun, saveRuns } from '../../engine/store/run-queries';
import { historyDatabase } from '../support/history-database';
import { REDACTED, redactor } from '../../engine/runtime/redact';
import type { RunRecord } from '../../engine/runtime/types';

const history = historyDatabase();

const TOKEN = 'tok-"quoted"-1234';
const PIN = '98765';
/** A short secret that the engine's own timestamps contain. */
const YEAR = '2026';

function record(id: string): RunRecord {
  const at = '2026-11-22T10:00:00.000Z';
  return {
    id,
    scenarioId: 'redaction',
    version: 1,
    status: 'failed',
    input: { header: `Bearer ${TOKEN}`, orderId: 9876543 },
    startedAt: at,
    finishedAt: at,
    durationMs: 0,
    error: { message: `call with ${TOKEN} failed` },
    waits: [],
    steps: [
      { id: 's1', nodeId: 'hook', status: 'succeeded', attempts: 1, input: { pin: PIN }, output: { [TOKEN]: true, count: 98765 }, startedAt: at, finishedAt: at },
      { id: 's2', nodeId: 'call', status: 'failed', attempts: 1, input: null, error: { message: `401 for ${PIN}` }, startedAt: at, finishedAt: at },
    ],
  };
}

describe('run history redaction', () => {
  it('writes every secret redacted — input, steps, keys, errors — and leaves numbers, times and the given record alone', async () => {
    const run = record('with-secrets');
    const before = JSON.stringify(run);
    await saveRuns(history.client, [{ run, redact: redactor({ TOKEN, PIN, YEAR }) }]);
    expect(JSON.stringify(run)).toBe(before);

    const stored = (await getRun(history.client, 'with-secrets'))!;
    const text = JSON.stringify(stored);
    expect(text).not.toContain('quoted');
    expect(stored.input).toEqual({ header: `Bearer ${REDACTED}`, orderId: 9876543 });
    expect(stored.error).toEqual({ message: `call with ${REDACTED} failed` });
    expect(stored.steps[0].input).toEqual({ pin: REDACTED });
    expect(stored.steps[0].output).toEqual({ [REDACTED]: true, count: 98765 });
    expect(stored.steps[1].error).toEqual({ message: `401 for ${REDACTED}` });
    expect([stored.startedAt, stored.finishedAt, stored.steps[0].startedAt, stored.steps[1].finishedAt]).toEqual(Array(4).fill('2026-11-22T10:00:00.000Z'));
  });

  it('writes a record without a redactor as given', async () => {
    await saveRuns(history.client, [record('as-given')]);
    expect((await getRun(history.client, 'as-given'))!.input).toEqual({ header: `Bearer ${TOKEN}`, orderId: 9876543 });
  });
});
