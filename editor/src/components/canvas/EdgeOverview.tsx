/**
 * The edges while the canvas is zoomed out past legibility: one SVG path for
 * all of them instead of React Flow's edges, which are an SVG element each.
 * Thousands of those make Chromium re-layer the page on every frame of a pan
 * (half a second a frame at 2,000 edges); at that size an edge is a hairline
 * and its label is not drawn anyway. Zoom in to select or edit an edge.
 */
import { useMemo } from 'react';
import { getBezierPath, Position, useStore as useFlowStore, useStoreApi, ViewportPortal, type InternalNode } from '@xyflow/react';
import { namedPort } from '../../model/edge-caption';
import { SIDE_HANDLES, type FlowEdge, type FlowNode } from '../../model/flow';

const SIDE_POSITIONS = new Map<string | null | undefined, Position>(SIDE_HANDLES);

/** Where an edge meets a node: its handle's outer edge, as React Flow draws it; a side's middle when the handle is not known. */
function endpoint(node: InternalNode<FlowNode>, type: 'source' | 'target', handleId: string | null | undefined): { x: number; y: number; position: Position } {
  const { x: nx, y: ny } = node.internals.positionAbsolute;
  const handle = node.internals.handleBounds?.[type]?.find((h) => h.id === handleId);
  const box = handle
    ? { x: nx + handle.x, y: ny + handle.y, width: handle.width, height: handle.height, position: handle.position }
    : { x: nx, y: ny, width: node.measured.width ?? 0, height: node.measured.height ?? 0, position: SIDE_POSITIONS.get(handleId) ?? (type === 'source' ? Position.Right : Position.Left) };
  const { x, y, width, height, position } = box;
  if (position === Position.Left) return { x, y: y + height / 2, position };
  if (position === Position.Right) return { x: x + width, y: y + height / 2, position };
  if (position === Position.Top) return { x: x + width / 2, y, position };
  return { x: x + width / 2, y: y + height, position };
}

/** @example {zoomedOut ? <EdgeOverview edges={edges} /> : null} inside <ReactFlow> */
export function EdgeOverview({ edges }: { edges: ReadonlyArray<FlowEdge> }) {
  // The node list changes whenever a node moves or is measured; the lookup holds where React Flow put it.
  const nodes = useFlowStore((s) => s.nodes);
  const store = useStoreApi<FlowNode, FlowEdge>();
  const paths = useMemo(() => {
    const { nodeLookup } = store.getState();
    const plain: string[] = [], errors: string[] = [], selected: string[] = [];
    for (const edge of edges) {
      const source = nodeLookup.get(edge.source), target = nodeLookup.get(edge.target);
      if (!source || !target || source.hidden || target.hidden) continue;
      const from = endpoint(source, 'source', edge.sourceHandle), to = endpoint(target, 'target', edge.targetHandle);
      const [path] = getBezierPath({ sourceX: from.x, sourceY: from.y, sourcePosition: from.position, targetX: to.x, targetY: to.y, targetPosition: to.position });
      (edge.selected ? selected : namedPort(edge.sourceHandle) === 'error' ? errors : plain).push(path);
    }
    return { plain: plain.join(''), errors: errors.join(''), selected: selected.join('') };
  }, [nodes, edges, store]);
  return (
    <ViewportPortal>
      <svg className="edge-overview" data-testid="edge-overview">
        <path className="react-flow__edge-path" d={paths.plain} />
        <path className="react-flow__edge-path edge--error" d={paths.errors} />
        <path className="react-flow__edge-path edge-overview--selected" d={paths.selected} />
      </svg>
    </ViewportPortal>
  );
}
