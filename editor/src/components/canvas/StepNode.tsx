/**
 * A scenario node drawn as the seed draws it: a circle (start, end), a
 * rectangle (a module) or a diamond (a router). Handles on all four sides
 * match the document's `fromHandle`/`toHandle`; named outputs (`approved`,
 * `rejected`) and `error` get handles of their own.
 */
import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { useStore } from '../../hooks/use-store';
import { shapeFor } from '../../model/catalog';
import { SIDE_HANDLES, type StepFlowNode } from '../../model/flow';
import { catalogStore } from '../../store/catalog-store';
import { runStore } from '../../store/run-store';
import { validationStore } from '../../store/validation-store';
import { PortLabel } from './PortLabel';

function StepNodeView({ id, data, selected }: NodeProps<StepFlowNode>) {
  const description = useStore(catalogStore, (s) => s.catalog.get(data.step.type));
  const problems = useStore(validationStore, (s) => s.byNode.get(id));
  const run = useStore(runStore, (s) => s.byNode.get(id));
  const shape = shapeFor(catalogStore.get().catalog, data.step.type, data.step.shape);
  const errors = problems?.filter((p) => p.severity === 'error') ?? [];
  const label = data.step.label || description?.title || data.step.type;
  const outputs = description?.outputs ?? [];
  const classes = [
    'step', `step--${shape}`,
    selected ? 'is-selected' : '',
    errors.length ? 'has-error' : problems?.length ? 'has-warning' : '',
    run ? `run-${run.status}` : '',
    data.step.disabled ? 'is-disabled' : '',
  ].join(' ');
  return (
    <div className={classes} data-node-id={id} data-testid={`node-${id}`} title={problems?.map((p) => p.message).join('\n')}>
      {SIDE_HANDLES.map(([side, position]) => (
        <Handle key={`t-${side}`} type="target" id={side} position={position} className="handle handle--target" />
      ))}
      {SIDE_HANDLES.map(([side, position]) => (
        <Handle key={`s-${side}`} type="source" id={side} position={position} className="handle handle--source" />
      ))}
      {outputs.map((port, i) => (
        <Handle
          key={port} type="source" id={port} position={Position.Right}
          className={`handle handle--port handle--${port}`}
          style={{ top: `${((i + 1) * 100) / (outputs.length + 1)}%` }}
          title={port}
        >
          <PortLabel nodeId={id} port={port} />
        </Handle>
      ))}
      {shape === 'rectangle' ? (
        <Handle type="source" id="error" position={Position.Bottom} className="handle handle--port handle--error" style={{ left: '88%' }} title="error: receives { error } when this node fails" />
      ) : null}
      {shape === 'rectangle' ? (
        <div className="step-body">
          <div className="step-type">{description?.title ?? data.step.type}</div>
          <div className="step-label">{label}</div>
        </div>
      ) : (
        <>
          <div className="step-shape" />
          <div className="step-caption">{label}</div>
        </>
      )}
      {errors.length ? <span className="step-problem" data-testid={`problem-${id}`}>{errors.length}</span> : null}
      {run && run.operations > 0 ? (
        <span className="step-bubble" data-testid={`bubble-${id}`} title={`${run.operations} operation(s), ${run.bundles} bundle(s) out`}>
          {run.operations}
        </span>
      ) : null}
    </div>
  );
}

/** The canvas component for scenario nodes (`type: 'step'`). */
export const StepNode = memo(StepNodeView);
