/**
 * The scenario list: open, create, rename, duplicate, delete, and import a
 * file (a v1 JSON, a Make blueprint, the seeds' text diagram) through the
 * server's importer.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../../api/client';
import type { ImportNote, Scenario, ScenarioSummary } from '../../api/types';
import { navigate } from '../../hooks/use-route';
import { withFreeWebhookPath, type MovedWebhook } from './free-webhook-path';

/** A scenario id from a name: lower-case words joined by dashes, unique among `taken`. @example slugId('User Segmentation', []) // 'user-segmentation' */
export function slugId(name: string, taken: ReadonlyArray<string>): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'scenario';
  let id = base;
  for (let i = 2; taken.includes(id); i++) id = `${base}-${i}`;
  return id;
}

/** Where a copy's webhook listens now, and why. */
const listensOn = (moved: MovedWebhook) => `; its webhook listens on /hooks/${moved.to} (/hooks/${moved.from} is another scenario's)`;

function describe(error: unknown): string {
  if (error instanceof ApiError && error.issues.length) return `${error.message}: ${error.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`;
  return (error as Error).message;
}

/** @example <ScenarioList /> */
export function ScenarioList() {
  const [items, setItems] = useState<ScenarioSummary[]>();
  const [message, setMessage] = useState<{ text: string; kind: 'info' | 'error' }>();
  const [notes, setNotes] = useState<ImportNote[]>([]);
  const fileInput = useRef<HTMLInputElement>(null);
  const refresh = useCallback(() => api.listScenarios().then(setItems, (e: Error) => setMessage({ text: e.message, kind: 'error' })), []);
  useEffect(() => { void refresh(); }, [refresh]);
  const taken = (items ?? []).map((s) => s.id);
  const takenPaths = (items ?? []).map((s) => s.webhookPath);

  const create = async () => {
    const name = prompt('Name of the new scenario', 'New scenario');
    if (!name) return;
    const doc: Scenario = {
      format: 'switchyard/scenario@1', id: slugId(name, taken), name,
      nodes: [{ id: 'n1', type: 'trigger.manual', label: 'Run manually', position: { x: 0, y: 0 } }], edges: [],
    } as Scenario;
    try {
      await api.createScenario(doc);
      navigate(`/scenarios/${encodeURIComponent(doc.id)}`);
    } catch (e) {
      setMessage({ text: describe(e), kind: 'error' });
    }
  };
  const rename = async (s: ScenarioSummary) => {
    const name = prompt('New name', s.name);
    if (!name || name === s.name) return;
    try {
      const { scenario } = await api.getScenario(s.id);
      await api.saveScenario({ ...scenario, name });
      void refresh();
    } catch (e) {
      setMessage({ text: describe(e), kind: 'error' });
    }
  };
  const duplicate = async (s: ScenarioSummary) => {
    try {
      const { scenario } = await api.getScenario(s.id);
      const { scenario: copy, moved } = withFreeWebhookPath({ ...scenario, id: slugId(`${s.id}-copy`, taken), name: `${s.name} (copy)` }, takenPaths);
      await api.createScenario(copy);
      if (moved) setMessage({ text: `Duplicated as ${copy.id}${listensOn(moved)}`, kind: 'info' });
      void refresh();
    } catch (e) {
      setMessage({ text: describe(e), kind: 'error' });
    }
  };
  const remove = async (s: ScenarioSummary) => {
    if (!confirm(`Delete "${s.name}" and its versions?`)) return;
    try {
      await api.deleteScenario(s.id);
      void refresh();
    } catch (e) {
      setMessage({ text: describe(e), kind: 'error' });
    }
  };
  const importFile = async (file: File) => {
    try {
      const text = await file.text();
      let scenario: Scenario;
      let importNotes: ImportNote[] = [];
      const parsed = (() => { try { return JSON.parse(text); } catch { return undefined; } })();
      if (parsed?.format === 'switchyard/scenario@1') scenario = parsed;
      else ({ scenario, notes: importNotes } = await api.importFile(text, file.name));
      if (taken.includes(scenario.id)) scenario = { ...scenario, id: slugId(scenario.id, taken) };
      const { scenario: fresh, moved } = withFreeWebhookPath(scenario, takenPaths);
      await api.createScenario(fresh);
      setNotes(importNotes ?? []);
      setMessage({ text: `Imported "${fresh.name}" as ${fresh.id}${moved ? listensOn(moved) : ''}`, kind: 'info' });
      void refresh();
    } catch (e) {
      setMessage({ text: `Import of ${file.name} failed: ${describe(e)}`, kind: 'error' });
    }
  };
  return (
    <div className="scenario-list">
      <header className="toolbar">
        <h1>Switchyard</h1>
        <span className="spacer" />
        <button onClick={() => fileInput.current?.click()} data-testid="import">Import…</button>
        <input ref={fileInput} type="file" hidden accept=".json,.txt,.md" data-testid="import-file"
          onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; if (f) void importFile(f); }} />
        <button className="primary" onClick={() => void create()}>New scenario</button>
      </header>
      {message ? <div className={`banner banner--${message.kind}`} data-testid="list-message">{message.text}</div> : null}
      {notes.length ? (
        <div className="banner" data-testid="import-notes">
          <strong>Still to configure:</strong>
          <ul>{notes.map((n, i) => <li key={i}>{n.path ? <code>{n.path}</code> : null} {n.message}</li>)}</ul>
        </div>
      ) : null}
      {!items ? <p className="page-message">Loading…</p> : (
        <table className="scenarios" data-testid="scenario-list">
          <thead><tr><th>Name</th><th>Id</th><th>Version</th><th>Updated</th><th /></tr></thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.id}>
                <td><a href={`/scenarios/${encodeURIComponent(s.id)}`} onClick={(e) => { e.preventDefault(); navigate(`/scenarios/${encodeURIComponent(s.id)}`); }}>{s.name}</a>
                  {s.description ? <div className="muted small clamp">{s.description}</div> : null}</td>
                <td><code>{s.id}</code></td>
                <td>{s.version !== undefined ? `v${s.version}` : ''}{s.publishedVersion != null ? <span className="tag tag--ok">published v{s.publishedVersion}</span> : null}</td>
                <td className="small">{s.updatedAt ? new Date(s.updatedAt).toLocaleString() : ''}</td>
                <td className="actions">
                  <button onClick={() => void rename(s)}>Rename</button>
                  <button onClick={() => void duplicate(s)}>Duplicate</button>
                  <button className="danger" onClick={() => void remove(s)}>Delete</button>
                </td>
              </tr>
            ))}
            {!items.length ? <tr><td colSpan={5} className="muted">No scenarios yet — create one or import a file.</td></tr> : null}
          </tbody>
        </table>
      )}
    </div>
  );
}
