/** Error handling of one node: retry, timeout and onError, as in format v1. */
import type { StepFields } from '../../model/flow';
import { JsonInput } from '../form/JsonInput';

export interface NodeSettingsProps {
  nodeId: string;
  step: StepFields;
  onChange: (patch: Partial<StepFields>, key: string) => void;
}

const num = (v: string) => (v === '' ? undefined : Number(v));

/** @example <NodeSettings nodeId="n8" step={step} onChange={(p, k) => updateStep('n8', p, k)} /> */
export function NodeSettings({ nodeId, step, onChange }: NodeSettingsProps) {
  const retry = step.retry;
  const setRetry = (patch: Partial<NonNullable<StepFields['retry']>>) => {
    const next = { attempts: 1, delayMs: 1000, backoff: 'exponential' as const, ...retry, ...patch };
    onChange({ retry: next.attempts ? next : undefined }, `retry`);
  };
  return (
    <fieldset className="settings">
      <legend>Error handling</legend>
      <div className="field-row">
        <label htmlFor={`${nodeId}-attempts`}>Attempts</label>
        <input
          id={`${nodeId}-attempts`} type="number" min={1} max={100} value={retry?.attempts ?? ''} placeholder="1"
          onChange={(e) => (e.target.value === '' ? onChange({ retry: undefined }, 'retry') : setRetry({ attempts: Number(e.target.value) }))}
        />
      </div>
      {retry ? (
        <>
          <div className="field-row">
            <label htmlFor={`${nodeId}-delay`}>Delay (ms)</label>
            <input id={`${nodeId}-delay`} type="number" min={0} value={retry.delayMs ?? ''} onChange={(e) => setRetry({ delayMs: num(e.target.value) ?? 0 })} />
          </div>
          <div className="field-row">
            <label htmlFor={`${nodeId}-backoff`}>Backoff</label>
            <select id={`${nodeId}-backoff`} value={retry.backoff ?? 'exponential'} onChange={(e) => setRetry({ backoff: e.target.value as 'fixed' | 'exponential' })}>
              <option value="exponential">exponential</option>
              <option value="fixed">fixed</option>
            </select>
          </div>
          <div className="field-row">
            <label htmlFor={`${nodeId}-maxdelay`}>Delay cap (ms)</label>
            <input id={`${nodeId}-maxdelay`} type="number" min={0} value={retry.maxDelayMs ?? ''} onChange={(e) => setRetry({ maxDelayMs: num(e.target.value) })} />
          </div>
        </>
      ) : null}
      <div className="field-row">
        <label htmlFor={`${nodeId}-timeout`}>Timeout (ms)</label>
        <input id={`${nodeId}-timeout`} type="number" min={1} value={step.timeoutMs ?? ''} placeholder="none" onChange={(e) => onChange({ timeoutMs: num(e.target.value) }, 'timeoutMs')} />
      </div>
      <div className="field-row">
        <label htmlFor={`${nodeId}-onerror`}>On error</label>
        <select id={`${nodeId}-onerror`} value={step.onError ?? 'fail'} onChange={(e) => onChange({ onError: e.target.value === 'fail' ? undefined : (e.target.value as StepFields['onError']) }, 'onError')}>
          <option value="fail">fail — the run fails</option>
          <option value="ignore">ignore — drop the bundle, go on</option>
          <option value="resume">resume — continue with a substitute</option>
          <option value="break">break — keep the run incomplete, resumable</option>
        </select>
      </div>
      {step.onError === 'resume' ? (
        <div className="field">
          <label htmlFor={`${nodeId}-erroroutput`}>Substitute output (JSON)</label>
          <JsonInput id={`${nodeId}-erroroutput`} value={step.errorOutput} onChange={(v) => onChange({ errorOutput: v }, 'errorOutput')} rows={3} />
        </div>
      ) : null}
      <div className="field-row">
        <label htmlFor={`${nodeId}-disabled`}>Disabled</label>
        <input id={`${nodeId}-disabled`} type="checkbox" checked={Boolean(step.disabled)} onChange={(e) => onChange({ disabled: e.target.checked || undefined }, 'disabled')} />
      </div>
    </fieldset>
  );
}
