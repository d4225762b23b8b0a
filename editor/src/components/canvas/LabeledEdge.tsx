/**
 * An edge with its label (router edges show their condition) that edits in
 * place: double-click the label, or the edge, and type.
 */
import { memo, useEffect, useState } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import { useStore } from '../../hooks/use-store';
import { edgeCaption, namedPort } from '../../model/edge-caption';
import type { FlowEdge } from '../../model/flow';
import { editorStore } from '../../store/editor-store';
import { updateEdge } from '../../store/graph-actions';

function LabeledEdgeView(props: EdgeProps<FlowEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected, markerEnd, sourceHandleId } = props;
  const editing = useStore(editorStore, (s) => s.editingEdgeId === id);
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
  const labelled = editing || shown;
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={`${selected ? 'is-selected' : ''} ${port === 'error' ? 'edge--error' : ''}`} interactionWidth={16} />
      {/* Only an edge with a label to show joins the label layer: each edge there looks the layer up in the DOM on every change of the canvas, each frame of a pan included. */}
      {labelled ? (
        <EdgeLabelRenderer>
          {editing ? (
            <input
              className="edge-label-input nodrag nopan" autoFocus value={draft} placeholder="label"
              style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
              onChange={(e) => setDraft(e.target.value)} onBlur={commit}
              onKeyDown={(e) => { if (e.key === 'Enter') commit(); if (e.key === 'Escape') editorStore.set({ editingEdgeId: undefined }); }}
            />
          ) : (
            <div
              className={`edge-label nodrag nopan ${selected ? 'is-selected' : ''}`} data-testid={`edge-label-${id}`}
              style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
              onDoubleClick={start} title="Double-click to edit"
            >
              {shown}
            </div>
          )}
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
}

/** The canvas component for edges (`type: 'labeled'`). */
export const LabeledEdge = memo(LabeledEdgeView);
