/**
 * An edge with its label (router edges show their condition) that edits in
 * place: double-click the label, or the edge, and type.
 */
import { memo, useEffect, useState } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import { useStore } from '../../hooks/use-store';
import { useZoomedOut } from '../../hooks/use-zoomed-out';
import { edgeCaption, namedPort } from '../../model/edge-caption';
import type { FlowEdge } from '../../model/flow';
import { editorStore } from '../../store/editor-store';
import { updateEdge } from '../../store/graph-actions';

function LabeledEdgeView(props: EdgeProps<FlowEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected, markerEnd, sourceHandleId } = props;
  const editing = useStore(editorStore, (s) => s.editingEdgeId === id);
  const zoomedOut = useZoomedOut();
  const [draft, setDraft] = useState('');
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const port = namedPort(sourceHandleId);
  const shown = edgeCaption(data, port);
  // Editing may start here or from a double-click on the edge line (the canvas).
  useEffect(() => { if (editing) setDraft(data?.label ?? ''); }, [editing]);
  const start = () => editorStore.set({ editingEdgeId: id });
  const commit = () => {
    editorStore.set({ editingEdgeId: undefined });
    if (draft !== (data?.label ?? '')) updateEdge(id, { label: draft.trim() || undefined });
  };
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={`${selected ? 'is-selected' : ''} ${port === 'error' ? 'edge--error' : ''}`} interactionWidth={16} />
      <EdgeLabelRenderer>
        {editing ? (
          <input
            className="edge-label-input nodrag nopan" autoFocus value={draft} placeholder="label"
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            onChange={(e) => setDraft(e.target.value)} onBlur={commit}
            onKeyDown={(e) => { if (e.key === 'Enter') commit(); if (e.key === 'Escape') editorStore.set({ editingEdgeId: undefined }); }}
          />
        ) : shown && !zoomedOut ? (
          <div
            className={`edge-label nodrag nopan ${selected ? 'is-selected' : ''}`} data-testid={`edge-label-${id}`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            onDoubleClick={start} title="Double-click to edit"
          >
            {shown}
          </div>
        ) : null}
      </EdgeLabelRenderer>
    </>
  );
}

/** The canvas component for edges (`type: 'labeled'`). */
export const LabeledEdge = memo(LabeledEdgeView);
