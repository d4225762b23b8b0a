import { useEffect, useState } from 'react';
import type { StepRecord } from '../api/types';
import { loadRunStep } from '../store/run-step-actions';
import { runStore } from '../store/run-store';
import { useStore } from './use-store';

/**
 * The step at `index` of the shown run in full (input and output), fetched the first time it is asked
 * for; `error` says why it could not be.
 *
 * @example const { step } = useRunStep(index); step?.output
 */
export function useRunStep(index: number | undefined): { step?: StepRecord; error?: string } {
  const step = useStore(runStore, (s) => (index === undefined ? undefined : s.stepData.get(index)));
  const runId = useStore(runStore, (s) => s.runId);
  const known = useStore(runStore, (s) => index !== undefined && index < (s.record?.steps.length ?? 0));
  const [failed, setFailed] = useState<{ key: string; message: string }>();
  const key = `${runId}#${index}`;
  useEffect(() => {
    if (index === undefined || step || !known) return;
    let live = true;
    loadRunStep(index).catch((e: Error) => live && setFailed({ key, message: e.message }));
    return () => { live = false; };
  }, [index, step, known, key]);
  return { step, error: failed?.key === key ? failed.message : undefined };
}
