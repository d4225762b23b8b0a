/**
 * Scenario document → canvas. Positions in the document are absolute canvas
 * coordinates (so a file reads the same whether or not groups are drawn);
 * React Flow wants children relative to their group, so groups are sized
 * around their members here.
 */
import type { Scenario, ScenarioNode } from '../../../engine/scenario/schema';
import { shapeFor, type Catalog } from './catalog';
import { estimatedHandles } from './estimated-handles';
import { estimatedSize, GROUP_HEADER, GROUP_PADDING, type FlowEdge, type FlowNode, type GroupFlowNode, type StepFlowNode } from './flow';

export interface FlowGraph {
  nodes: FlowNode[];
  edges: FlowEdge[];
  /** True when some node had no position, so the caller should auto-layout. */
  needsLayout: boolean;
}

/** Edge fields the editor edits or maps onto React Flow; everything else is kept in `extra`. */
const EDGE_KEYS = new Set(['id', 'from', 'to', 'label', 'when', 'fromHandle', 'toHandle']);

/**
 * Groups and nodes share one id space on the canvas. A group whose id a node also has (validation
 * names it) would make that node its own parent, and the editor could neither draw nor save the
 * scenario; such a group is given a free id instead (`review` → `review-group`), which a save keeps.
 */
function withGroupIdsApart(doc: Scenario): Scenario {
  const taken = new Set([...doc.nodes.map((n) => n.id), ...(doc.groups ?? []).map((g) => g.id)]);
  const renamed = new Map<string, string>();
  for (const group of doc.groups ?? []) {
    if (!doc.nodes.some((n) => n.id === group.id)) continue;
    let id = `${group.id}-group`;
    for (let k = 2; taken.has(id); k++) id = `${group.id}-group-${k}`;
    taken.add(id);
    renamed.set(group.id, id);
  }
  if (!renamed.size) return doc;
  return {
    ...doc,
    groups: doc.groups!.map((g) => ({ ...g, id: renamed.get(g.id) ?? g.id })),
    nodes: doc.nodes.map((n) => (n.group !== undefined && renamed.has(n.group) ? { ...n, group: renamed.get(n.group) } : n)),
  };
}

/**
 * @example const { nodes, edges } = scenarioToFlow(doc, catalog);
 */
export function scenarioToFlow(document: Scenario, catalog: Catalog): FlowGraph {
  const doc = withGroupIdsApart(document);
  const needsLayout = doc.nodes.some((n) => !n.position);
  const absolute = new Map<string, { x: number; y: number }>();
  doc.nodes.forEach((n, i) => absolute.set(n.id, n.position ?? { x: (i % 6) * 260, y: Math.floor(i / 6) * 160 }));

  const groupIds = new Set((doc.groups ?? []).map((g) => g.id));
  const membersOf = new Map<string, ScenarioNode[]>();
  for (const n of doc.nodes) {
    if (n.group === undefined) continue;
    const members = membersOf.get(n.group);
    if (members) members.push(n);
    else membersOf.set(n.group, [n]);
  }
  const groups: GroupFlowNode[] = [];
  const origin = new Map<string, { x: number; y: number }>();
  for (const group of doc.groups ?? []) {
    const members = membersOf.get(group.id) ?? [];
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const m of members) {
      const p = absolute.get(m.id)!;
      const size = estimatedSize(shapeFor(catalog, m.type, m.shape));
      minX = Math.min(minX, p.x); minY = Math.min(minY, p.y);
      maxX = Math.max(maxX, p.x + size.width); maxY = Math.max(maxY, p.y + size.height + (size.width < 100 ? 24 : 0));
    }
    if (!members.length) { minX = group.position?.x ?? 0; minY = group.position?.y ?? 0; maxX = minX + 240; maxY = minY + 120; }
    const x = minX - GROUP_PADDING, y = minY - GROUP_PADDING - GROUP_HEADER;
    const width = maxX - minX + 2 * GROUP_PADDING, height = maxY - minY + 2 * GROUP_PADDING + GROUP_HEADER;
    origin.set(group.id, { x, y });
    const { id, label, collapsed, position: _p, ...extra } = group;
    groups.push({
      id, type: 'scenarioGroup', position: { x, y },
      data: { label: label ?? id, collapsed: false, extra }, style: { width, height },
      width, height, zIndex: -1, selectable: true, dragHandle: '.group-header',
    });
    if (collapsed) groups[groups.length - 1].data.collapsed = false; // collapse is applied by the store after load
  }

  const steps: StepFlowNode[] = doc.nodes.map((n) => {
    const { id, position: _p, group, ...step } = n;
    const abs = absolute.get(id)!;
    const parent = group && groupIds.has(group) ? group : undefined;
    const o = parent ? origin.get(parent)! : { x: 0, y: 0 };
    const shape = shapeFor(catalog, n.type, n.shape);
    return {
      id, type: 'step', position: { x: abs.x - o.x, y: abs.y - o.y }, data: { step },
      // Estimates until React Flow draws the node: it then draws only the nodes in view (see estimated-handles.ts).
      measured: estimatedSize(shape), handles: estimatedHandles(shape, catalog.get(n.type)?.outputs ?? []),
      ...(parent ? { parentId: parent, expandParent: true } : {}),
    };
  });

  const edges: FlowEdge[] = doc.edges.map((e, i) => {
    const extra = Object.fromEntries(Object.entries(e).filter(([k]) => !EDGE_KEYS.has(k)));
    return {
      id: e.id ?? `e${i}:${e.from}->${e.to}`,
      type: 'labeled',
      source: e.from,
      target: e.to,
      sourceHandle: e.fromHandle ?? 'right',
      targetHandle: e.toHandle ?? 'left',
      data: { label: e.label, when: e.when, extra: { ...extra, ...(e.id ? { id: e.id } : {}) } },
    };
  });
  // React Flow needs parents before their children.
  return { nodes: [...groups, ...steps], edges, needsLayout };
}
