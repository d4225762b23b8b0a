/**
 * What may be connected on the canvas, the same rules the validator applies:
 * no cycles, nothing into a trigger but a start circle, no edge to itself,
 * not the same connection twice.
 */
import { reachableFrom, adjacency } from '../../../engine/scenario/graph';
import { edgePort } from '../../../engine/scenario/ports';
import type { Catalog } from './catalog';

export interface ConnectionCheck {
  ok: boolean;
  reason?: string;
}

/**
 * @example checkConnection({ source: 'a', target: 'b' }, nodes, edges, catalog).ok
 */
export function checkConnection(
  connection: { source: string; target: string; sourceHandle?: string | null },
  nodes: ReadonlyArray<{ id: string; type?: string; data: unknown }>,
  edges: ReadonlyArray<{ source: string; target: string; sourceHandle?: string | null }>,
  catalog: Catalog,
): ConnectionCheck {
  const { source, target } = connection;
  if (source === target) return { ok: false, reason: 'A node cannot connect to itself' };
  // The same output into the same node twice would run that node twice for every bundle.
  const port = edgePort(connection.sourceHandle ?? undefined);
  if (edges.some((e) => e.source === source && e.target === target && edgePort(e.sourceHandle ?? undefined) === port)) {
    return { ok: false, reason: `${source} is already connected to ${target} from that output` };
  }
  const typeOf = (id: string) => {
    const node = nodes.find((n) => n.id === id);
    return node?.type === 'step' ? (node.data as { step: { type: string } }).step.type : undefined;
  };
  const sourceType = typeOf(source), targetType = typeOf(target);
  if (!sourceType || !targetType) return { ok: false, reason: 'Connect nodes, not groups' };
  if (catalog.get(targetType)?.behaviour === 'trigger' && catalog.get(sourceType)?.behaviour !== 'start') {
    return { ok: false, reason: 'Only a start circle may lead into the trigger' };
  }
  const reach = reachableFrom(target, adjacency(nodes.map((n) => n.id), edges.map((e) => ({ from: e.source, to: e.target }))));
  if (reach.has(source)) return { ok: false, reason: `That would make a cycle (${target} already leads to ${source})` };
  return { ok: true };
}
