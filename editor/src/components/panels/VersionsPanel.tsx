/** Version history of the open scenario, with restore. */
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { ScenarioVersion } from '../../api/types';
import { useStore } from '../../hooks/use-store';
import { editorStore, notify } from '../../store/editor-store';
import { restoreVersion } from '../../store/persist-actions';

/** @example <VersionsPanel /> */
export function VersionsPanel() {
  const scenarioId = useStore(editorStore, (s) => s.scenarioId);
  const current = useStore(editorStore, (s) => s.version);
  const published = useStore(editorStore, (s) => s.publishedVersion);
  const [versions, setVersions] = useState<ScenarioVersion[]>();
  useEffect(() => {
    if (!scenarioId) return;
    api.versions(scenarioId).then((v) => setVersions([...v].sort((a, b) => b.version - a.version)), (e: Error) => notify(e.message, 'error'));
  }, [scenarioId, current]);
  const restore = async (v: ScenarioVersion) => {
    try {
      restoreVersion((await api.version(scenarioId!, v.version)).scenario, v.version);
    } catch (e) {
      notify((e as Error).message, 'error');
    }
  };
  if (!versions) return <p className="muted">Loading versions…</p>;
  return (
    <ul className="versions" data-testid="versions">
      {versions.map((v) => (
        <li key={v.version}>
          <span>
            <strong>v{v.version}</strong>
            {v.version === current ? <span className="tag">current</span> : null}
            {/* The store knows the published version as of the last publish; the list may have been read just before it. */}
            {(published !== undefined ? v.version === published : v.published) ? <span className="tag tag--ok">published</span> : null}
          </span>
          <span className="muted small">{v.createdAt ? new Date(v.createdAt).toLocaleString() : ''}</span>
          {v.version !== current ? <button onClick={() => void restore(v)}>Restore</button> : null}
        </li>
      ))}
    </ul>
  );
}
