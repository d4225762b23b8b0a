/**
 * Where a node's handles are before React Flow has drawn and measured it.
 *
 * React Flow draws every node once, whatever the viewport, until it knows
 * its handles; on a 2,000-node scenario that first pass is most of the time
 * to open it. Given estimates, it draws only the nodes in view (the others
 * are measured when they scroll in), and edges to nodes out of view still
 * know where to end. The estimates follow styles.css: 9 px handles centred
 * on each side, named outputs spread down the right side, `error` at 88%
 * of the bottom edge.
 */
import { Position, type NodeHandle } from '@xyflow/react';
import { estimatedSize, SIDE_HANDLES } from './flow';

const HANDLE = 9;
const ERROR_HANDLE = 7;

/** A handle of `size` centred on (cx, cy) of the node. */
function at(id: string, type: 'source' | 'target', position: Position, cx: number, cy: number, size = HANDLE): NodeHandle {
  return { id, type, position, x: cx - size / 2, y: cy - size / 2, width: size, height: size };
}

/**
 * @example estimatedHandles('rectangle', ['approved', 'rejected']).find((h) => h.id === 'approved') // right side, a third down
 */
export function estimatedHandles(shape: 'circle' | 'rectangle' | 'diamond', outputs: ReadonlyArray<string>): NodeHandle[] {
  const { width, height } = estimatedSize(shape);
  const centre: Record<(typeof SIDE_HANDLES)[number][0], [number, number]> = { left: [0, height / 2], right: [width, height / 2], top: [width / 2, 0], bottom: [width / 2, height] };
  const handles: NodeHandle[] = [];
  for (const type of ['target', 'source'] as const) {
    for (const [side, position] of SIDE_HANDLES) handles.push(at(side, type, position, ...centre[side]));
  }
  outputs.forEach((port, i) => handles.push(at(port, 'source', Position.Right, width, (height * (i + 1)) / (outputs.length + 1))));
  if (shape === 'rectangle') handles.push(at('error', 'source', Position.Bottom, width * 0.88, height, ERROR_HANDLE));
  return handles;
}
