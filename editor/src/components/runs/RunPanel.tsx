/**
 * Runs of the open scenario: "Run once" with an input editor (prefilled from
 * the last run's trigger payload), the shown run with the operations of the
 * node selected on the canvas, the run history with status and time
 * filters, and resume/retry of the shown run.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import type { RunRecord } from '../../api/types';
import { useStore } from '../../hooks/use-store';
import { editorStore, notify } from '../../store/editor-store';
import { beginRun, clearRun, runStore, showRecord } from '../../store/run-store';
import { JsonInput } from '../form/JsonInput';
import { RunInspector } from './RunInspector';

const STATUSES = ['', 'running', 'waiting', 'succeeded', 'failed', 'incomplete', 'cancelled'];
const SINCE: Record<string, number> = { '': 0, hour: 3_600_000, day: 86_400_000, week: 604_800_000 };

/** @example <RunPanel inspect={selectedNodeId} /> */
export function RunPanel({ inspect }: { inspect?: string }) {
  const scenarioId = useStore(editorStore, (s) => s.scenarioId);
  const dirty = useStore(editorStore, (s) => s.dirty);
  const shown = useStore(runStore, (s) => s.runId);
  const status = useStore(runStore, (s) => s.status);
  const hasRecord = useStore(runStore, (s) => Boolean(s.record));
  const [input, setInput] = useState<unknown>({});
  // What is wrong with the input box's text, while it does not parse: a run must not go out with the last good input instead.
  const [inputError, setInputError] = useState<string | undefined>();
  // Whether someone has put the caret in the input box since the scenario opened. The last run's input, fetched
  // on open, must not replace the text after that: typed before it arrived, the run went out with the old input;
  // selected to be typed over, the caret jumped to the end and the typing was appended to the old input.
  const touched = useRef(false);
  const [filter, setFilter] = useState('');
  const [since, setSince] = useState('');
  const [runs, setRuns] = useState<RunRecord[]>([]);
  const refresh = useCallback(async () => {
    if (!scenarioId) return;
    try {
      const page = await api.listRuns({ scenarioId, status: filter || undefined, limit: 50 });
      setRuns(page.items);
      return page.items;
    } catch (e) {
      notify((e as Error).message, 'error');
    }
  }, [scenarioId, filter]);
  useEffect(() => {
    // Prefill the input with the last run's trigger payload.
    if (!scenarioId) return;
    touched.current = false;
    api.listRuns({ scenarioId, limit: 1 }).then(async (page) => {
      const last = page.items[0];
      if (!last || touched.current) return;
      const input = last.input !== undefined ? last.input : (await api.getRunOverview(last.id)).input;
      if (input !== undefined && !touched.current) setInput(input);
    }, () => undefined);
  }, [scenarioId]);
  useEffect(() => { void refresh(); }, [refresh, status]);

  const runOnce = async () => {
    if (!scenarioId) return;
    if (inputError) return notify(`The input bundle is not valid JSON: ${inputError}`, 'error');
    if (dirty) notify('Running the last saved version — save to run your changes', 'error');
    try {
      const { runId } = await api.startRun(scenarioId, input);
      beginRun(runId);
      void refresh();
    } catch (e) {
      notify((e as Error).message, 'error');
    }
  };
  const open = async (id: string) => {
    try {
      const record = await api.getRunOverview(id);
      if (record.status === 'running' || record.status === 'queued') {
        beginRun(id);
        showRecord(record);
        runStore.set({ status: record.status });
      } else showRecord(record);
    } catch (e) {
      notify((e as Error).message, 'error');
    }
  };
  const resume = async () => {
    if (!shown) return;
    try {
      // Resume with the saved version, so a fix made since the break applies to the rest of the run.
      const run = await api.resumeRun(shown, editorStore.get().version);
      // Its overview after the resume: shown as it is, and followed on while it runs.
      if (run?.steps) showRecord(run);
      else beginRun(shown);
    } catch (e) {
      notify((e as Error).message, 'error');
    }
  };
  const cutoff = SINCE[since] ? Date.now() - SINCE[since] : 0;
  const listed = runs.filter((r) => !cutoff || Date.parse(r.startedAt) >= cutoff);
  return (
    <div className="run-panel" data-testid="run-panel">
      <div className="field" onFocus={() => { touched.current = true; }}>
        <label htmlFor="run-input">Input bundle (JSON)</label>
        <JsonInput id="run-input" value={input} onChange={setInput} onInvalid={setInputError} rows={5} />
      </div>
      <div className="button-row">
        <button className="primary" onClick={() => void runOnce()} data-testid="run-once">▶ Run once</button>
        {shown && (status === 'incomplete' || status === 'failed') ? <button onClick={() => void resume()}>Resume</button> : null}
        {shown ? <button onClick={clearRun}>Clear overlay</button> : null}
      </div>
      {shown ? <p className="small">Showing run <code>{shown.slice(0, 14)}</code>: <span className={`status status--${status}`} data-testid="run-status">{status}</span></p> : null}
      {shown && hasRecord ? (inspect ? <RunInspector nodeId={inspect} /> : <p className="muted small" data-testid="inspect-hint">Click a node on the canvas to read its operations in this run.</p>) : null}
      <h3>History</h3>
      <div className="button-row">
        <select aria-label="Status filter" value={filter} onChange={(e) => setFilter(e.target.value)}>
          {STATUSES.map((s) => <option key={s} value={s}>{s || 'any status'}</option>)}
        </select>
        <select aria-label="Time filter" value={since} onChange={(e) => setSince(e.target.value)}>
          <option value="">any time</option>
          <option value="hour">last hour</option>
          <option value="day">last day</option>
          <option value="week">last week</option>
        </select>
        <button onClick={() => void refresh()} title="Refresh">↻</button>
      </div>
      <ul className="runs" data-testid="run-history">
        {listed.map((r) => (
          <li key={r.id} className={r.id === shown ? 'is-current' : ''}>
            <button className="link-button" onClick={() => void open(r.id)}>
              <span className={`status status--${r.status}`}>{r.status}</span>
              <span className="small">{new Date(r.startedAt).toLocaleString()}</span>
              <span className="muted small">{r.durationMs !== undefined ? `${r.durationMs} ms` : ''}</span>
            </button>
          </li>
        ))}
        {!listed.length ? <li className="muted small">No runs yet.</li> : null}
      </ul>
    </div>
  );
}
