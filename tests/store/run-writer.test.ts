/**
 * The history's group commit with a commit delay: runs that arrive close
 * together share a statement, a lone run is written at once, and every run
 * saved is there to read when its save resolves. On the real embedded
 * database, with its statements counted on the way through.
 */
import { describe, expect, it } from 'vitest';
import { getRun } from '../../engine/store/run-queries';
import { RunWriter } from '../../engine/store/run-writer';
import type { SqlClient } from '../../engine/store/sql-client';
import { historyDatabase } from '../support/history-database';
import type { RunRecord } from '../../engine/runtime/types';

const history = historyDatabase();
let runInserts = 0;
/** The database, counting the statements that write runs. */
const counted: SqlClient = {
  kind: 'pglite',
  query: (sql, params) => {
    if (sql.startsWith('INSERT INTO runs')) runInserts++;
    return history.client.query(sql, params);
  },
  transaction: (fn) => history.client.transaction(fn),
  close: () => history.client.close(),
};

const run = (id: string): RunRecord => ({
  id,
  scenarioId: 'writer',
  version: 1,
  status: 'succeeded',
  input: { id },
  startedAt: '2026-11-23T08:00:00.000Z',
  steps: [{ id: 's1', nodeId: 'n1', status: 'succeeded', attempts: 1, input: { id }, output: { id, done: true }, startedAt: '2026-11-23T08:00:00.000Z' }],
  waits: [],
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('run history group commit with a commit delay', () => {
  it('writes runs that arrive close together in one statement after the first, and each is readable once saved', async () => {
    const writer = new RunWriter(counted, { commitDelayMs: 2_000, commitBatch: 9 });
    const before = runInserts;
    const saves: Promise<void>[] = [];
    for (let i = 0; i < 10; i++) {
      saves.push(writer.save(run(`close-${i}`)).then(async () => expect((await getRun(history.client, `close-${i}`))?.steps[0].output).toEqual({ id: `close-${i}`, done: true })));
      await pause(5);
    }
    await Promise.all(saves);
    // The first came after a quiet spell and went alone; the other nine waited for each other.
    expect(runInserts - before).toBe(2);
  });

  it('writes a run that comes after a quiet spell at once, without waiting out the delay', async () => {
    const writer = new RunWriter(counted, { commitDelayMs: 300 });
    await writer.save(run('warm-up'));
    await pause(400);
    const before = runInserts;
    const saving = writer.save(run('lone'));
    // Its statement is on its way before save() even returns; under load it would wait.
    expect(runInserts - before).toBe(1);
    await saving;
    expect((await getRun(history.client, 'lone'))?.status).toBe('succeeded');
  });

  it('holds a run that arrives right after another until more join it or the delay is over', async () => {
    const writer = new RunWriter(counted, { commitDelayMs: 300, commitBatch: 50 });
    await writer.save(run('first'));
    const before = runInserts;
    const saving = writer.save(run('right-after'));
    await pause(20);
    expect(runInserts - before).toBe(0);
    await saving;
    expect(runInserts - before).toBe(1);
    expect((await getRun(history.client, 'right-after'))?.status).toBe('succeeded');
  });

  it('without a delay, writes what arrived during a write together, and nothing waits', async () => {
    const writer = new RunWriter(counted);
    const before = runInserts;
    await Promise.all(Array.from({ length: 12 }, (_, i) => writer.save(run(`burst-${i}`))));
    // The first starts a write at once; the eleven saved meanwhile go out together after it.
    expect(runInserts - before).toBe(2);
    await writer.flushed();
  });
});
