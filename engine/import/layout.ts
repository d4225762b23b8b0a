/**
 * Positions for imported nodes that came without any: an ELK layered layout,
 * left to right, with groups as compound nodes so their members stay
 * together. Positions are absolute canvas coordinates; a group's `position`
 * is the top-left corner of the box around its members.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { Scenario } from '../scenario/schema';

/** Drawing sizes per shape, roughly what the editor renders. */
const SIZE: Record<string, { width: number; height: number }> = {
  circle: { width: 56, height: 56 },
  diamond: { width: 96, height: 96 },
  rectangle: { width: 200, height: 64 },
};

const LAYOUT_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  // Edges cross group borders (n5 → MLModel.n8); lay out the hierarchy as one graph.
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.layered.spacing.nodeNodeBetweenLayers': '60',
  'elk.spacing.nodeNode': '40',
  'elk.padding': '[top=40,left=20,bottom=20,right=20]',
};

const elk = new ELK();

/**
 * Sets `position` on every node and group of `scenario` (in place) from an ELK layout.
 *
 * @example
 * await layoutScenario(scenario);
 * scenario.nodes[0].position // → { x: 32, y: 52 }
 */
export async function layoutScenario(scenario: Scenario): Promise<void> {
  const groupIds = new Set((scenario.groups ?? []).map((g) => g.id));
  const groupBoxes = new Map<string, ElkNode>();
  for (const group of scenario.groups ?? []) groupBoxes.set(group.id, { id: `group:${group.id}`, children: [], layoutOptions: { 'elk.padding': LAYOUT_OPTIONS['elk.padding'] } });
  const root: ElkNode = { id: 'root', layoutOptions: LAYOUT_OPTIONS, children: [], edges: [] };
  const nodeIds = new Set<string>();
  for (const node of scenario.nodes) {
    const box: ElkNode = { id: `node:${node.id}`, ...(SIZE[node.shape ?? 'rectangle'] ?? SIZE.rectangle) };
    nodeIds.add(node.id);
    const parent = node.group && groupIds.has(node.group) ? groupBoxes.get(node.group)! : root;
    parent.children!.push(box);
  }
  root.children!.push(...groupBoxes.values());
  root.edges = scenario.edges
    .filter((e) => nodeIds.has(e.from) && nodeIds.has(e.to))
    .map((e, i): ElkExtendedEdge => ({ id: `edge:${i}`, sources: [`node:${e.from}`], targets: [`node:${e.to}`] }));

  const laid = await elk.layout(root);
  const absolute = new Map<string, { x: number; y: number }>();
  const walk = (box: ElkNode, dx: number, dy: number) => {
    for (const child of box.children ?? []) {
      const x = dx + (child.x ?? 0);
      const y = dy + (child.y ?? 0);
      absolute.set(child.id, { x: Math.round(x), y: Math.round(y) });
      walk(child, x, y);
    }
  };
  walk(laid, 0, 0);
  for (const node of scenario.nodes) node.position = absolute.get(`node:${node.id}`) ?? node.position;
  for (const group of scenario.groups ?? []) group.position = absolute.get(`group:${group.id}`) ?? group.position;
}
