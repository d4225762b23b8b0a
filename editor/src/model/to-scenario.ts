/**
 * Canvas → scenario document: the inverse of {@link scenarioToFlow}. Child
 * positions become absolute again; a collapsed group's members keep the
 * positions they had when it was expanded.
 */
import type { Scenario, ScenarioEdge, ScenarioGroup, ScenarioNode } from '../../../engine/scenario/schema';
import { isGroup, isStep, type FlowEdge, type FlowNode } from './flow';

/** Document-level fields: everything of a scenario except its graph. */
export type ScenarioMeta = Pick<Scenario, 'format' | 'id' | 'name' | 'description' | 'settings'> & Record<string, unknown>;

const round = (n: number) => Math.round(n);

/**
 * @example const doc = flowToScenario(meta, nodes, edges); await api.saveScenario(doc);
 */
export function flowToScenario(meta: ScenarioMeta, nodes: ReadonlyArray<FlowNode>, edges: ReadonlyArray<FlowEdge>): Scenario {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const absolute = (n: FlowNode): { x: number; y: number } => {
    const parent = n.parentId ? byId.get(n.parentId) : undefined;
    if (!parent) return n.position;
    const p = absolute(parent);
    return { x: p.x + n.position.x, y: p.y + n.position.y };
  };
  const groups: ScenarioGroup[] = nodes.filter(isGroup).map((g) => ({
    ...(g.data.extra ?? {}),
    id: g.id,
    label: g.data.label,
    ...(g.data.collapsed ? { collapsed: true } : {}),
    position: { x: round(g.position.x), y: round(g.position.y) },
  }));
  const scenarioNodes: ScenarioNode[] = nodes.filter(isStep).map((n) => {
    const p = absolute(n);
    return { id: n.id, ...n.data.step, ...(n.parentId ? { group: n.parentId } : {}), position: { x: round(p.x), y: round(p.y) } } as ScenarioNode;
  });
  const scenarioEdges: ScenarioEdge[] = edges.map((e) => {
    const data = e.data ?? {};
    return {
      ...(data.extra ?? {}),
      from: e.source,
      to: e.target,
      ...(data.label ? { label: data.label } : {}),
      ...(data.when ? { when: data.when } : {}),
      ...(e.sourceHandle ? { fromHandle: e.sourceHandle } : {}),
      ...(e.targetHandle ? { toHandle: e.targetHandle } : {}),
    } as ScenarioEdge;
  });
  const doc = { ...meta, nodes: scenarioNodes, edges: scenarioEdges } as Scenario;
  if (groups.length) doc.groups = groups;
  return doc;
}
