/**
 * Auto-layout with elkjs: layered, left to right, groups laid out as
 * compound nodes so their members stay together and the group is sized
 * around them. Positions come back relative to the parent, as React Flow
 * wants them.
 */
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk.bundled.js';
import { GROUP_HEADER, GROUP_PADDING, isGroup, nodeSize, type FlowEdge, type FlowNode } from './flow';

let elk: Promise<{ layout(graph: ElkNode): Promise<ElkNode> }> | undefined;

// ELK is large (~1.5 MB); load it on the first layout rather than with the page.
function loadElk() {
  elk ??= import('elkjs/lib/elk.bundled.js').then(({ default: ELK }) => new ELK());
  return elk;
}

export type LayoutResult = Map<string, { x: number; y: number; width?: number; height?: number }>;

/**
 * @example setPositions(await autoLayout(nodes, edges, (n) => shapeFor(catalog, n.data.step.type)));
 */
export async function autoLayout(
  nodes: ReadonlyArray<FlowNode>,
  edges: ReadonlyArray<FlowEdge>,
  shapeOf: Parameters<typeof nodeSize>[1],
): Promise<LayoutResult> {
  const children = new Map<string, ElkNode[]>();
  const groups = nodes.filter(isGroup);
  const groupIds = new Set(groups.map((g) => g.id));
  for (const n of nodes) {
    if (isGroup(n)) continue;
    const parent = n.parentId && groupIds.has(n.parentId) ? n.parentId : 'root';
    const size = nodeSize(n, shapeOf);
    // Circles and diamonds carry their label below them.
    const extra = size.width < 100 ? 24 : 0;
    children.set(parent, [...(children.get(parent) ?? []), { id: n.id, width: size.width, height: size.height + extra }]);
  }
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.spacing.nodeNode': '40',
      'elk.spacing.edgeLabel': '8',
    },
    children: [
      ...groups.map<ElkNode>((g) => ({
        id: g.id,
        layoutOptions: { 'elk.padding': `[top=${GROUP_PADDING + GROUP_HEADER},left=${GROUP_PADDING},bottom=${GROUP_PADDING},right=${GROUP_PADDING}]` },
        children: children.get(g.id) ?? [],
        ...(g.data.collapsed ? { width: 220, height: GROUP_HEADER + 8, children: [] } : {}),
      })),
      ...(children.get('root') ?? []),
    ],
    edges: edges.map<ElkExtendedEdge>((e) => ({
      id: e.id,
      sources: [e.source],
      targets: [e.target],
      ...(e.data?.label ? { labels: [{ text: e.data.label, width: e.data.label.length * 7 + 12, height: 18 }] } : {}),
    })),
  };
  // Members of a collapsed group are not in the ELK graph; edges to them would be dangling.
  const present = new Set<string>();
  const collect = (n: ElkNode) => { present.add(n.id); n.children?.forEach(collect); };
  collect(root);
  root.edges = root.edges!.filter((e) => present.has(e.sources[0]) && present.has(e.targets[0]));

  const laid = await (await loadElk()).layout(root);
  const out: LayoutResult = new Map();
  const visit = (n: ElkNode) => {
    for (const c of n.children ?? []) {
      out.set(c.id, { x: c.x ?? 0, y: c.y ?? 0, ...(groupIds.has(c.id) ? { width: c.width, height: c.height } : {}) });
      visit(c);
    }
  };
  visit(laid);
  return out;
}
