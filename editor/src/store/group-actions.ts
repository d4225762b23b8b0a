/** Groups on the canvas (the seed's MakeScenario, MLModel, ContentDelivery): create, rename, collapse, ungroup. */
import { GROUP_HEADER, GROUP_PADDING, isStep, nodeSize, type FlowNode, type GroupFlowNode } from '../model/flow';
import { shapeFor } from '../model/catalog';
import { catalogStore } from './catalog-store';
import { change, editorStore, notify } from './editor-store';

const COLLAPSED = { width: 220, height: GROUP_HEADER + 8 };

function absolute(node: FlowNode, byId: Map<string, FlowNode>): { x: number; y: number } {
  const parent = node.parentId ? byId.get(node.parentId) : undefined;
  return parent ? { x: parent.position.x + node.position.x, y: parent.position.y + node.position.y } : node.position;
}

/** Puts the selected nodes into a new group sized around them. @example groupSelection('Scoring') */
export function groupSelection(label = 'Group'): string | undefined {
  const s = editorStore.get();
  const { catalog } = catalogStore.get();
  const byId = new Map(s.nodes.map((n) => [n.id, n]));
  const members = s.nodes.filter((n) => n.selected && isStep(n));
  if (!members.length) {
    notify('Select the nodes to group first', 'error');
    return undefined;
  }
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const m of members) {
    const p = absolute(m, byId);
    const size = nodeSize(m, (n) => shapeFor(catalog, n.data.step.type, n.data.step.shape));
    minX = Math.min(minX, p.x); minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x + size.width); maxY = Math.max(maxY, p.y + size.height);
  }
  let i = 1;
  while (byId.has(`group${i}`)) i++;
  const id = `group${i}`;
  const x = minX - GROUP_PADDING, y = minY - GROUP_PADDING - GROUP_HEADER;
  const width = maxX - minX + 2 * GROUP_PADDING, height = maxY - minY + 2 * GROUP_PADDING + GROUP_HEADER;
  const group: GroupFlowNode = { id, type: 'scenarioGroup', position: { x, y }, data: { label }, style: { width, height }, width, height, zIndex: -1, dragHandle: '.group-header' };
  const memberIds = new Set(members.map((m) => m.id));
  change((st) => {
    const rest = st.nodes.map((n) => {
      if (!memberIds.has(n.id)) return n;
      const p = absolute(n, byId);
      return { ...n, parentId: id, expandParent: true, selected: false, position: { x: p.x - x, y: p.y - y } } as FlowNode;
    });
    // Parents must precede children; the new group goes first.
    return { nodes: [group, ...rest] };
  });
  return id;
}

/** Dissolves a group; its members stay where they are. */
export function ungroup(id: string): void {
  const s = editorStore.get();
  const byId = new Map(s.nodes.map((n) => [n.id, n]));
  const group = byId.get(id);
  if (!group) return;
  if (group.type === 'scenarioGroup' && group.data.collapsed) setCollapsed(id, false);
  change((st) => ({
    nodes: st.nodes
      .filter((n) => n.id !== id)
      .map((n) => (n.parentId === id ? ({ ...n, parentId: undefined, expandParent: undefined, hidden: false, position: absolute(n, byId) } as FlowNode) : n)),
  }));
}

/** @example renameGroup('MLModel', 'Make.com HTTP Module') */
export function renameGroup(id: string, label: string): void {
  change((s) => ({ nodes: s.nodes.map((n) => (n.id === id && n.type === 'scenarioGroup' ? { ...n, data: { ...n.data, label } } : n)) }), `group:${id}:label`);
}

/**
 * Collapses a group to its header (members hidden, their edges drawn to the
 * header) or expands it back to its size.
 */
export function setCollapsed(id: string, collapsed: boolean, record = true): void {
  const apply = (nodes: FlowNode[]) =>
    nodes.map((n) => {
      if (n.parentId === id) return { ...n, hidden: collapsed } as FlowNode;
      if (n.id !== id || n.type !== 'scenarioGroup') return n;
      const current = { width: (n.width ?? n.measured?.width ?? 300) as number, height: (n.height ?? n.measured?.height ?? 200) as number };
      const size = collapsed ? COLLAPSED : (n.data.expandedSize ?? current);
      return {
        ...n,
        width: size.width, height: size.height, style: { ...n.style, ...size },
        data: { ...n.data, collapsed, expandedSize: collapsed ? current : undefined },
      } as GroupFlowNode;
    });
  if (record) change((s) => ({ nodes: apply(s.nodes) }));
  else editorStore.set((s) => ({ nodes: apply(s.nodes) }));
}
