/**
 * Graph facts about a scenario that validation, compilation and the editor
 * share: adjacency, cycles and reachability. Pure.
 */
export interface GraphEdge {
  from: string;
  to: string;
}

/** Outgoing adjacency by node id. */
export function adjacency(nodeIds: Iterable<string>, edges: ReadonlyArray<GraphEdge>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const id of nodeIds) out.set(id, []);
  for (const edge of edges) out.get(edge.from)?.push(edge.to);
  return out;
}

/**
 * Every cycle's nodes (strongly connected components with more than one node,
 * or a node with an edge to itself), via Tarjan's algorithm.
 *
 * @example findCycles(['a','b'], [{from:'a',to:'b'},{from:'b',to:'a'}]) // → [['a','b']]
 */
export function findCycles(nodeIds: ReadonlyArray<string>, edges: ReadonlyArray<GraphEdge>): string[][] {
  const adj = adjacency(nodeIds, edges);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  // Iterative to survive graphs of thousands of nodes without blowing the call stack.
  for (const root of nodeIds) {
    if (index.has(root)) continue;
    const work: Array<{ node: string; next: number }> = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const frame = work[work.length - 1];
      const targets = adj.get(frame.node) ?? [];
      if (frame.next < targets.length) {
        const target = targets[frame.next++];
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = component.length === 1 && targets.includes(frame.node);
        if (component.length > 1 || selfLoop) cycles.push(component.reverse());
      }
    }
  }
  return cycles;
}

/** Nodes reachable from `start` (including it). */
export function reachableFrom(start: string, adj: ReadonlyMap<string, ReadonlyArray<string>>): Set<string> {
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length) {
    for (const next of adj.get(queue.pop()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

/** For each node, the set of nodes it can reach (itself included). Used for merge/aggregator readiness. */
export function reachabilityIndex(nodeIds: ReadonlyArray<string>, adj: ReadonlyMap<string, ReadonlyArray<string>>): Map<string, Set<string>> {
  const index = new Map<string, Set<string>>();
  for (const id of nodeIds) index.set(id, reachableFrom(id, adj));
  return index;
}
