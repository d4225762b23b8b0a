/**
 * A group (the seed's MakeScenario, MLModel, ContentDelivery): a frame that
 * moves its members as one; the header renames on double-click and collapses.
 */
import { memo, useState } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import type { GroupFlowNode } from '../../model/flow';
import { renameGroup, setCollapsed, ungroup } from '../../store/group-actions';

function GroupNodeView({ id, data, selected }: NodeProps<GroupFlowNode>) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(data.label);
  const commit = () => {
    setEditing(false);
    if (draft.trim() && draft !== data.label) renameGroup(id, draft.trim());
  };
  return (
    <div className={`group ${selected ? 'is-selected' : ''} ${data.collapsed ? 'is-collapsed' : ''}`} data-testid={`group-${id}`}>
      <div className="group-header" onDoubleClick={() => { setDraft(data.label); setEditing(true); }}>
        <button
          className="icon-button nodrag" title={data.collapsed ? 'Expand group' : 'Collapse group'}
          onClick={() => setCollapsed(id, !data.collapsed)}
        >
          {data.collapsed ? '▸' : '▾'}
        </button>
        {editing ? (
          <input
            className="nodrag group-rename" autoFocus value={draft}
            onChange={(e) => setDraft(e.target.value)} onBlur={commit}
            onKeyDown={(e) => { if (e.key === 'Enter') commit(); if (e.key === 'Escape') setEditing(false); }}
          />
        ) : (
          <span className="group-label" title="Double-click to rename">{data.label}</span>
        )}
        <span className="group-id">{id}</span>
        {selected ? <button className="icon-button nodrag" title="Ungroup" onClick={() => ungroup(id)}>⊟</button> : null}
      </div>
      {/* Edges into a collapsed group are drawn to its header. */}
      <Handle type="target" id="left" position={Position.Left} className="handle handle--group" />
      <Handle type="source" id="right" position={Position.Right} className="handle handle--group" />
    </div>
  );
}

/** The canvas component for groups (`type: 'scenarioGroup'`). */
export const GroupNode = memo(GroupNodeView);
