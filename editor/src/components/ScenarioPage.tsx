/** One scenario: palette, canvas and side panel, with the shortcuts and the live run overlay. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ReactFlowProvider, useNodesInitialized } from '@xyflow/react';
import { api } from '../api/client';
import { useFitLaidOut } from '../hooks/use-fit-laid-out';
import { useReadableFit } from '../hooks/use-readable-fit';
import { useRunEvents } from '../hooks/use-run-events';
import { useShortcuts } from '../hooks/use-shortcuts';
import { useStore } from '../hooks/use-store';
import { useUnsavedChangesWarning } from '../hooks/use-unsaved-changes-warning';
import { useValidation } from '../hooks/use-validation';
import { autoLayout } from '../model/auto-layout';
import { shapeFor } from '../model/catalog';
import { catalogStore } from '../store/catalog-store';
import { copySelection, duplicateSelection, paste } from '../store/clipboard-actions';
import { editorStore, notify, redo, undo } from '../store/editor-store';
import { deleteSelection, loadScenario, selectAll, setPositions } from '../store/graph-actions';
import { groupSelection } from '../store/group-actions';
import { saveScenario } from '../store/persist-actions';
import { clearRun } from '../store/run-store';
import { Canvas } from './canvas/Canvas';
import { Palette } from './panels/Palette';
import { SidePanel } from './SidePanel';
import { StatusBar } from './StatusBar';
import { Toolbar } from './Toolbar';

function Editor({ scenarioId }: { scenarioId: string }) {
  const fit = useReadableFit();
  const fitLaidOut = useFitLaidOut();
  const [state, setState] = useState<'loading' | 'ready' | string>('loading');
  const dirty = useStore(editorStore, (s) => s.dirty);
  useValidation();
  useRunEvents();
  useUnsavedChangesWarning(dirty);

  /** Lays the scenario out, then `show`s it (on the next frame, once React Flow has the new positions). */
  const layout = useCallback(async (show: () => void) => {
    const { catalog } = catalogStore.get();
    const s = editorStore.get();
    const positions = await autoLayout(s.nodes, s.edges, (n) => shapeFor(catalog, n.data.step.type, n.data.step.shape));
    setPositions(positions, true);
    requestAnimationFrame(show);
  }, []);

  useEffect(() => {
    let live = true;
    clearRun();
    setState('loading');
    api.getScenario(scenarioId).then(
      (stored) => {
        if (!live) return;
        const { needsLayout } = loadScenario(stored.scenario, stored);
        setState('ready');
        // Laid out on opening, it opens as any scenario does.
        if (needsLayout) void layout(fit).then(() => editorStore.set({ dirty: false, past: [] }));
      },
      (e: Error) => live && setState(e.message),
    );
    return () => { live = false; };
  }, [scenarioId]);

  // Fit once React Flow has measured the nodes; before that their sizes are guesses.
  const measured = useNodesInitialized();
  const fitted = useRef(false);
  useEffect(() => {
    if (state !== 'ready' || !measured || fitted.current) return;
    fitted.current = true;
    fit();
  }, [state, measured, fit]);

  useShortcuts({
    'mod+z': undo,
    'mod+shift+z': redo,
    'mod+y': redo,
    'mod+c': () => { const n = copySelection(); if (n) notify(`Copied ${n} node(s)`); },
    'mod+v': () => paste(),
    'mod+d': duplicateSelection,
    'mod+a': selectAll,
    // As the Save button: nothing changed, nothing to save (a second identical version would only add noise).
    'mod+s': () => { if (editorStore.get().dirty) void saveScenario(); },
    'mod+g': () => groupSelection(),
    delete: deleteSelection,
    backspace: deleteSelection,
    escape: () => editorStore.set((s) => ({ nodes: s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), edges: s.edges.map((e) => (e.selected ? { ...e, selected: false } : e)) })),
  });

  if (state !== 'ready' && state !== 'loading') return <div className="page-message">Could not open scenario "{scenarioId}": {state}</div>;
  return (
    <div className="editor">
      <Toolbar onLayout={() => void layout(fitLaidOut)} />
      <div className="workspace">
        <Palette />
        <main className="canvas" data-testid="canvas">
          {state === 'ready' ? <Canvas /> : <div className="page-message">Loading…</div>}
          <StatusBar />
        </main>
        <SidePanel />
      </div>
    </div>
  );
}

/** @example <ScenarioPage scenarioId="user-segmentation" /> */
export function ScenarioPage({ scenarioId }: { scenarioId: string }) {
  return (
    <ReactFlowProvider>
      <Editor scenarioId={scenarioId} />
    </ReactFlowProvider>
  );
}
