/**
 * The canvas: the open scenario's nodes and edges in React Flow, with the
 * minimap, zoom controls and connection rules.
 */
import { useCallback, useEffect, useMemo, useRef } from 'react';
import {
  Background, Controls, MiniMap, ReactFlow, MarkerType, useStore as useFlowStore,
  type Connection, type Edge, type EdgeTypes, type IsValidConnection, type NodeTypes, type OnConnectEnd,
} from '@xyflow/react';
import { useStore } from '../../hooks/use-store';
import { useZoomedOut } from '../../hooks/use-zoomed-out';
import { checkConnection } from '../../model/connection-rules';
import { isGroup, type FlowEdge, type FlowNode } from '../../model/flow';
import { catalogStore } from '../../store/catalog-store';
import { editorStore, notify } from '../../store/editor-store';
import { connect, dropEstimatedHandles, onEdgesChange, onNodeDragStart, onNodesChange } from '../../store/graph-actions';
import { runStore } from '../../store/run-store';
import { EdgeOverview } from './EdgeOverview';
import { GroupNode } from './GroupNode';
import { LabeledEdge } from './LabeledEdge';
import { StepNode } from './StepNode';

const nodeTypes: NodeTypes = { step: StepNode, scenarioGroup: GroupNode };
const edgeTypes: EdgeTypes = { labeled: LabeledEdge };
const defaultEdgeOptions = { markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 } };

/** From this many nodes on, React Flow draws only what is in view, and zoomed out the edges are one picture (EdgeOverview). */
const LARGE = 300;
const NO_EDGES: FlowEdge[] = [];

const RUN_COLOURS: Record<string, string> = { succeeded: '#16a34a', failed: '#dc2626', running: '#2563eb', waiting: '#d97706', broken: '#dc2626' };

/** Edges touching members of a collapsed group are drawn to and from the group's header instead. */
function visibleEdges(nodes: ReadonlyArray<FlowNode>, edges: FlowEdge[]): FlowEdge[] {
  const collapsedOf = new Map<string, string>();
  const collapsed = new Set(nodes.filter((n) => isGroup(n) && n.data.collapsed).map((n) => n.id));
  if (!collapsed.size) return edges;
  for (const n of nodes) if (n.parentId && collapsed.has(n.parentId)) collapsedOf.set(n.id, n.parentId);
  const out: FlowEdge[] = [];
  const seen = new Set<string>();
  for (const e of edges) {
    const source = collapsedOf.get(e.source), target = collapsedOf.get(e.target);
    if (!source && !target) { out.push(e); continue; }
    if (source && source === target) continue;
    const key = `${source ?? e.source}->${target ?? e.target}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      ...e, id: `collapsed:${key}`, selectable: false, deletable: false,
      ...(source ? { source, sourceHandle: 'right' } : {}),
      ...(target ? { target, targetHandle: 'left' } : {}),
    });
  }
  return out;
}

/**
 * The dotted grid, drawn only while it helps: zoomed far out its pattern
 * holds hundreds of thousands of dots, repainted on every frame of a pan.
 */
function ReadableBackground() {
  const visible = useFlowStore((s) => s.transform[2] >= 0.4);
  return visible ? <Background gap={20} size={1} /> : null;
}

/** @example <ReactFlowProvider><Canvas /></ReactFlowProvider> */
export function Canvas() {
  const nodes = useStore(editorStore, (s) => s.nodes);
  const edges = useStore(editorStore, (s) => s.edges);
  const catalog = useStore(catalogStore, (s) => s.catalog);
  const runByNode = useStore(runStore, (s) => s.byNode);
  const shown = useMemo(() => visibleEdges(nodes, edges), [nodes, edges]);
  const large = nodes.length > LARGE;
  // One subscription here rather than one per node and edge: zoomed out, styles.css drops the text.
  const zoomedOut = useZoomedOut();
  const overview = large && zoomedOut;
  // Large scenarios drop the dotted grid while the view moves: its pattern was repainted on every frame of a
  // pan (p95 frame 33 ms with it, 17 ms without, docs/performance.md). A class on the element, not state, so a
  // pan does not re-render the canvas.
  const flow = useRef<HTMLDivElement>(null);
  const moving = useCallback((on: boolean) => flow.current?.classList.toggle('is-moving', on && nodes.length > LARGE), [nodes.length]);
  // After React Flow's own effect has read the nodes (children's effects run first).
  useEffect(() => {
    if (nodes.some((n) => n.handles)) dropEstimatedHandles();
  }, [nodes]);
  const isValidConnection = useCallback<IsValidConnection<FlowEdge>>(
    (c: FlowEdge | Connection) => {
      const s = editorStore.get();
      return checkConnection({ source: c.source, target: c.target, sourceHandle: c.sourceHandle }, s.nodes, s.edges, catalog).ok;
    },
    [catalog],
  );
  // React Flow refuses a drop on a handle the rules above reject without a word; say why, as a refused second trigger does.
  const explainRefusal = useCallback<OnConnectEnd>(
    (_event, state) => {
      if (state.isValid !== false || !state.fromNode || !state.toNode) return;
      const fromTarget = state.fromHandle?.type === 'target';
      const source = fromTarget ? state.toNode.id : state.fromNode.id;
      const target = fromTarget ? state.fromNode.id : state.toNode.id;
      const sourceHandle = fromTarget ? state.toHandle?.id : state.fromHandle?.id;
      const s = editorStore.get();
      const check = checkConnection({ source, target, sourceHandle }, s.nodes, s.edges, catalog);
      if (!check.ok) notify(check.reason ?? 'That connection is not allowed', 'error');
    },
    [catalog],
  );
  const miniMapColour = useCallback(
    (n: FlowNode) => (isGroup(n) ? 'rgba(120,130,160,0.15)' : (RUN_COLOURS[runByNode.get(n.id)?.status ?? ''] ?? '#8b93a7')),
    [runByNode],
  );
  return (
    <ReactFlow<FlowNode, FlowEdge>
      ref={flow}
      className={zoomedOut ? 'is-zoomed-out' : undefined}
      onMoveStart={() => moving(true)}
      onMoveEnd={() => moving(false)}
      nodes={nodes}
      edges={overview ? NO_EDGES : shown}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
      defaultEdgeOptions={defaultEdgeOptions}
      onNodesChange={onNodesChange}
      onEdgesChange={onEdgesChange}
      onConnect={connect}
      onConnectEnd={explainRefusal}
      onNodeDragStart={onNodeDragStart}
      onEdgeDoubleClick={(_e, edge: Edge) => editorStore.set({ editingEdgeId: edge.id })}
      isValidConnection={isValidConnection}
      colorMode="system"
      deleteKeyCode={null}
      selectionKeyCode="Shift"
      // Shift-click adds to the selection, as in most editors; Shift-drag on the pane still draws a box.
      multiSelectionKeyCode={['Meta', 'Control', 'Shift']}
      minZoom={0.05}
      maxZoom={2.5}
      onlyRenderVisibleElements={large}
    >
      {overview ? <EdgeOverview edges={shown} /> : null}
      <ReadableBackground />
      <MiniMap pannable zoomable nodeColor={miniMapColour} nodeStrokeWidth={2} />
      <Controls />
    </ReactFlow>
  );
}
