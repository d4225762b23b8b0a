/**
 * The right-hand panel: the selected node's configuration (and, with a run
 * shown, its operations), the problems list, runs and versions.
 */
import { useState } from 'react';
import { useStore } from '../hooks/use-store';
import { isStep } from '../model/flow';
import { editorStore } from '../store/editor-store';
import { runStore } from '../store/run-store';
import { validationStore } from '../store/validation-store';
import { ConfigPanel } from './panels/ConfigPanel';
import { EdgePanel } from './panels/EdgePanel';
import { ProblemsList } from './panels/ProblemsList';
import { VersionsPanel } from './panels/VersionsPanel';
import { RunInspector } from './runs/RunInspector';
import { RunPanel } from './runs/RunPanel';

type Tab = 'node' | 'problems' | 'runs' | 'versions';

/** The one selected node or edge, as a stable reference for the store selector. */
function selectedItem(s: ReturnType<typeof editorStore.get>) {
  let node, count = 0;
  for (const n of s.nodes) if (n.selected) { node = n; count++; }
  if (count === 1) return node;
  if (count > 1) return undefined;
  const edges = s.edges.filter((e) => e.selected);
  return edges.length === 1 ? edges[0] : undefined;
}

/** @example <SidePanel /> */
export function SidePanel() {
  const [tab, setTab] = useState<Tab>('node');
  const selected = useStore(editorStore, selectedItem);
  const problemCount = useStore(validationStore, (s) => s.problems.length);
  const hasRun = useStore(runStore, (s) => Boolean(s.record));
  const tabs: Array<[Tab, string]> = [['node', 'Inspector'], ['problems', `Problems${problemCount ? ` (${problemCount})` : ''}`], ['runs', 'Runs'], ['versions', 'Versions']];
  let body;
  if (tab === 'problems') body = <ProblemsList />;
  // A node clicked on the canvas while a run is shown: its operations in that run, as Make shows a module's bundles.
  else if (tab === 'runs') body = <RunPanel inspect={selected && !('source' in selected) && isStep(selected) ? selected.id : undefined} />;
  else if (tab === 'versions') body = <VersionsPanel />;
  else if (selected && 'source' in selected) body = <EdgePanel edge={selected} />;
  else if (selected && isStep(selected)) {
    body = (
      <>
        {hasRun ? <RunInspector nodeId={selected.id} /> : null}
        <ConfigPanel key={selected.id} node={selected} />
      </>
    );
  } else if (selected) {
    body = (
      <p className="muted" data-testid="group-hint">
        Group <strong>{selected.data.label}</strong>: double-click its title to rename, {selected.data.collapsed ? '▸ to expand it' : '▾ to collapse it'}.
      </p>
    );
  } else body = <p className="muted">Select a node to configure it{hasRun ? ' and inspect its operations' : ''}. Drag node types from the left; connect handles by dragging between them.</p>;
  return (
    <aside className="side-panel">
      <nav className="tabs" role="tablist">
        {tabs.map(([id, label]) => (
          <button key={id} role="tab" aria-selected={tab === id} className={tab === id ? 'is-active' : ''} onClick={() => setTab(id)} data-testid={`tab-${id}`}>
            {label}
          </button>
        ))}
      </nav>
      <div className="side-body">{body}</div>
    </aside>
  );
}
