/**
 * The run overlay's live counts (`editor/src/store/run-store.ts`): the bubble on
 * a node counts its operations while the run goes, as the run's record counts
 * them once it is shown — a step that parked on a delay or an approval is one
 * operation, when it ends.
 */
import { describe, expect, it } from 'vitest';
import { applyRunEvent, beginRun, runStore, showRecord } from '../../editor/src/store/run-store';
import type { RunOverview } from '../../editor/src/api/types';

const at = '2026-11-24T10:00:00.000Z';
const later = '2026-11-24T10:05:00.000Z';

describe('the run overlay', () => {
  it('counts an approval as one operation, live and from the record alike', () => {
    beginRun('r1');
    const live = [
      { type: 'step.finished', runId: 'r1', nodeId: 't', status: 'succeeded', bundles: 1 },
      { type: 'step.finished', runId: 'r1', nodeId: 'ok', status: 'waiting', bundles: 0 },
      { type: 'step.finished', runId: 'r1', nodeId: 'ok', status: 'succeeded', bundles: 1 },
      { type: 'step.started', runId: 'r1', nodeId: 'go' },
      { type: 'step.finished', runId: 'r1', nodeId: 'go', status: 'succeeded', bundles: 1 },
    ];
    for (const event of live) applyRunEvent(event);
    const counted = (byNode: ReadonlyMap<string, { status: string; operations: number }>) =>
      Object.fromEntries([...byNode].map(([nodeId, s]) => [nodeId, `${s.status} ×${s.operations}`]));
    expect(counted(runStore.get().byNode)).toEqual({ t: 'succeeded ×1', ok: 'succeeded ×1', go: 'succeeded ×1' });

    // As the run's overview lists them: no bundles, their counts and sizes.
    const step = (nodeId: string, status: string, extra = {}) => ({ id: `${nodeId}-1`, nodeId, status, attempts: 1, startedAt: at, bundlesIn: 1, bundlesOut: 0, inputBytes: 2, outputBytes: 0, ...extra });
    const out = { bundlesOut: 1, outputBytes: 2 };
    const record = {
      id: 'r1', scenarioId: 's', version: 1, status: 'succeeded', input: {}, startedAt: at, waits: [],
      steps: [step('t', 'succeeded', out), step('ok', 'waiting'), step('ok', 'succeeded', { ...out, port: 'approved', finishedAt: later }), step('go', 'succeeded', out)],
    } as unknown as RunOverview;
    showRecord(record);
    expect(counted(runStore.get().byNode)).toEqual({ t: 'succeeded ×1', ok: 'succeeded ×1', go: 'succeeded ×1' });
  });
});
