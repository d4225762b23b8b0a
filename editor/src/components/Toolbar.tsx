/** The scenario page's top bar: name, save, publish, history, layout, grouping, export. */
import { useState } from 'react';
import { useStore } from '../hooks/use-store';
import { navigate } from '../hooks/use-route';
import { editorStore, redo, undo } from '../store/editor-store';
import { groupSelection } from '../store/group-actions';
import { updateMeta } from '../store/graph-actions';
import { currentDocument, publishScenario, saveScenario } from '../store/persist-actions';
import { validationStore } from '../store/validation-store';

/** Downloads the open scenario as a v1 JSON file. @example exportScenario() */
export function exportScenario(): void {
  const doc = currentDocument();
  const blob = new Blob([JSON.stringify(doc, null, 2) + '\n'], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `${doc.id}.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** @example <Toolbar onLayout={layout} /> */
export function Toolbar({ onLayout }: { onLayout: () => void }) {
  const name = useStore(editorStore, (s) => s.meta.name);
  const dirty = useStore(editorStore, (s) => s.dirty);
  const version = useStore(editorStore, (s) => s.version);
  const published = useStore(editorStore, (s) => s.publishedVersion);
  const canUndo = useStore(editorStore, (s) => s.past.length > 0);
  const canRedo = useStore(editorStore, (s) => s.future.length > 0);
  const errors = useStore(validationStore, (s) => s.problems.filter((p) => p.severity === 'error').length);
  const [editing, setEditing] = useState(false);
  return (
    <header className="toolbar">
      <button className="link-button" onClick={() => navigate('/')} title="All scenarios">← Scenarios</button>
      {editing ? (
        <input className="name-input" autoFocus defaultValue={name} aria-label="Scenario name"
          onBlur={(e) => { setEditing(false); if (e.target.value.trim() && e.target.value !== name) updateMeta({ name: e.target.value.trim() }); }}
          onKeyDown={(e) => { if (e.key === 'Enter') (e.target as HTMLInputElement).blur(); if (e.key === 'Escape') setEditing(false); }} />
      ) : (
        <h1 className="scenario-name" onDoubleClick={() => setEditing(true)} title="Double-click to rename">{name}</h1>
      )}
      <span className="muted small" data-testid="version-info">
        {version !== undefined ? `v${version}` : ''}{published !== undefined ? ` · published v${published}` : ''}{dirty ? ' · unsaved changes' : ''}
      </span>
      <span className="spacer" />
      <button onClick={undo} disabled={!canUndo} title="Undo (Ctrl+Z)">↶</button>
      <button onClick={redo} disabled={!canRedo} title="Redo (Ctrl+Shift+Z)">↷</button>
      <button onClick={onLayout} title="Auto-layout">Layout</button>
      <button onClick={() => groupSelection()} title="Group the selected nodes (Ctrl+G)">Group</button>
      <button onClick={exportScenario} title="Download as JSON">Export</button>
      <button onClick={() => void saveScenario()} disabled={!dirty} data-testid="save" title="Save a new version (Ctrl+S)">Save</button>
      <button className="primary" onClick={() => void publishScenario()} disabled={errors > 0} data-testid="publish"
        title={errors ? `Fix ${errors} problem(s) before publishing` : 'Publish this version'}>
        Publish
      </button>
    </header>
  );
}
