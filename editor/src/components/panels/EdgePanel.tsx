/** Settings of the selected edge: its label (router shorthand like `> 0.7`) and an explicit `when` condition. */
import type { FlowEdge } from '../../model/flow';
import { updateEdge } from '../../store/graph-actions';
import { ExpressionInput } from '../form/ExpressionInput';

/** @example <EdgePanel edge={selectedEdge} /> */
export function EdgePanel({ edge }: { edge: FlowEdge }) {
  return (
    <div className="config-panel" data-testid="edge-panel">
      <header className="panel-header">
        <div className="panel-title">Edge {edge.source} → {edge.target}</div>
      </header>
      <div className="field">
        <label htmlFor="edge-label">Label</label>
        <input id="edge-label" value={edge.data?.label ?? ''} onChange={(e) => updateEdge(edge.id, { label: e.target.value || undefined })} />
        <div className="hint">Out of a router a label is a condition: <code>&gt; 0.7</code>, <code>&lt;= 0.7</code>, <code>page</code>, <code>else</code>.</div>
      </div>
      <div className="field">
        <label htmlFor="edge-when">When (JSONata)</label>
        <ExpressionInput id="edge-when" value={edge.data?.when ?? ''} onChange={(v) => updateEdge(edge.id, { when: v || undefined })} placeholder="value <= 0.7" />
      </div>
      <div className="muted small">From handle <code>{edge.sourceHandle}</code> to <code>{edge.targetHandle}</code></div>
    </div>
  );
}
