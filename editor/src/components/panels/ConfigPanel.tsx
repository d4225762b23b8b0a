/**
 * The configuration panel of the selected node: its label, a form generated
 * from its node type's JSON Schema, error handling, notes, and its problems.
 */
import { useMemo } from 'react';
import { useStore } from '../../hooks/use-store';
import type { StepFlowNode } from '../../model/flow';
import { catalogStore } from '../../store/catalog-store';
import { editorStore } from '../../store/editor-store';
import { updateStep } from '../../store/graph-actions';
import { previewScopeOf } from '../../store/run-step-actions';
import { runStore } from '../../store/run-store';
import { validationStore } from '../../store/validation-store';
import type { PreviewScope } from '../form/ExpressionInput';
import { SchemaForm } from '../form/SchemaForm';
import type { JsonSchema } from '../form/json-schema';
import { NodeSettings } from './NodeSettings';

const NO_PROBLEMS: never[] = [];

/** The shown run's data as an expression in this node would see it, for previews; new with every change of the run. */
function usePreviewScope(nodeId: string): PreviewScope | undefined {
  const record = useStore(runStore, (s) => s.record);
  const vars = useStore(editorStore, (s) => s.meta.settings?.vars);
  return useMemo(() => (record ? (source: string) => previewScopeOf(nodeId, source, vars ?? {}) : undefined), [record, nodeId, vars]);
}

/** @example <ConfigPanel node={selectedNode} /> */
export function ConfigPanel({ node }: { node: StepFlowNode }) {
  const description = useStore(catalogStore, (s) => s.catalog.get(node.data.step.type));
  const problems = useStore(validationStore, (s) => s.byNode.get(node.id)) ?? NO_PROBLEMS;
  const previewScope = usePreviewScope(node.id);
  const step = node.data.step;
  const configProblems = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const p of problems) {
      const m = /^nodes\[\d+\]\.config\.?(.*)$/.exec(p.path);
      if (m) map.set(m[1] || '', [...(map.get(m[1] || '') ?? []), p.message]);
    }
    return map;
  }, [problems]);
  const set = (patch: Parameters<typeof updateStep>[1], key: string) => updateStep(node.id, patch, `step:${node.id}:${key}`);
  return (
    <div className="config-panel" data-testid="config-panel">
      <header className="panel-header">
        <div>
          <div className="panel-title">{description?.title ?? step.type}</div>
          <div className="muted small">{step.type} · <code>{node.id}</code></div>
        </div>
      </header>
      {description?.description ? <p className="muted small">{description.description}</p> : null}
      {!description ? <p className="field-error">Unknown node type "{step.type}" — the server does not offer it.</p> : null}
      <div className="field">
        <label htmlFor="node-label">Label</label>
        <input id="node-label" value={step.label ?? ''} onChange={(e) => set({ label: e.target.value || undefined }, 'label')} />
      </div>
      {description ? (
        <section>
          <h3>Configuration</h3>
          <SchemaForm
            idPrefix="cfg" schema={description.configSchema as JsonSchema} value={step.config ?? {}} previewScope={previewScope}
            problems={configProblems} onChange={(config) => set({ config }, 'config')}
          />
        </section>
      ) : null}
      <NodeSettings nodeId={node.id} step={step} onChange={set} />
      <div className="field">
        <label htmlFor="node-notes">Notes</label>
        <textarea id="node-notes" rows={2} value={step.notes ?? ''} onChange={(e) => set({ notes: e.target.value || undefined }, 'notes')} />
      </div>
      {problems.length ? (
        <section className="node-problems" data-testid="node-problems">
          <h3>Problems</h3>
          {problems.map((p, i) => (
            <div key={i} className={`problem problem--${p.severity}`}><code>{p.path}</code> {p.message}</div>
          ))}
        </section>
      ) : null}
    </div>
  );
}
