/**
 * What the graph checks can still read of a document the schema refused, so
 * that one broken node does not hide the problems of every other node, edge
 * and group. Pure.
 */
import type { z } from 'zod';
import { formatPath } from './path';
import { edgeSchema, groupSchema, nodeSchema, type ScenarioEdge, type ScenarioGroup, type ScenarioNode } from './schema';

/**
 * The groups, nodes and edges of a document, each read on its own. An entry
 * is `undefined` where the element is unreadable (not an object, or a key it
 * is known by is not a string): it takes no part in the graph, and keeping
 * its place keeps every other element's index, which problem paths use.
 */
export interface ReadableGraph {
  groups: Array<ScenarioGroup | undefined>;
  nodes: Array<ScenarioNode | undefined>;
  edges: Array<ScenarioEdge | undefined>;
  /**
   * Paths of the fields the schema refused (`nodes[1].retry`). They are left
   * out of the elements above; a check that would read one skips that element.
   */
  broken: ReadonlySet<string>;
}

/**
 * Reads one element: whole when its schema accepts it, else without the
 * fields the schema refused. The `keys` it is known by stay as written when
 * they are strings, since a malformed id (`"my node"`) still names the node
 * that edges point at; its own problem is already reported.
 */
function readElement<T>(schema: z.ZodType<T>, raw: unknown, at: Array<string | number>, keys: readonly string[], broken: Set<string>): T | undefined {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const fields = raw as Record<string, unknown>;
  if (keys.some((key) => typeof fields[key] !== 'string')) return undefined;
  const refused = new Set(parsed.error.issues.map((issue) => issue.path[0]));
  for (const key of refused) broken.add(formatPath([...at, key as string]));
  // The fields left passed their own schemas; only nested defaults (a retry's backoff) are missing, and no graph check reads them.
  return Object.fromEntries(Object.entries(fields).filter(([key]) => keys.includes(key) || !refused.has(key))) as T;
}

function readList<T>(document: Record<string, unknown>, list: string, schema: z.ZodType<T>, keys: readonly string[], broken: Set<string>): Array<T | undefined> {
  const raw = document[list];
  return Array.isArray(raw) ? raw.map((element, i) => readElement(schema, element, [list, i], keys, broken)) : [];
}

/**
 * The graph of a document whatever its envelope, or undefined when a list the
 * graph is made of cannot be read as a list (missing or empty `nodes`, `edges`
 * that is not an array): then there is no graph to check.
 *
 * @example
 * const graph = readableGraph({ nodes: [{ id: 'a', type: 'transform', retry: { attempts: 0 } }], edges: [] });
 * // graph.nodes[0] is { id: 'a', type: 'transform' }; graph.broken has 'nodes[0].retry'
 */
export function readableGraph(document: unknown): ReadableGraph | undefined {
  if (!document || typeof document !== 'object' || Array.isArray(document)) return undefined;
  const fields = document as Record<string, unknown>;
  const listed = (list: string, required: boolean) => (fields[list] === undefined ? !required : Array.isArray(fields[list]));
  if (!listed('nodes', true) || (fields.nodes as unknown[]).length === 0 || !listed('edges', false) || !listed('groups', false)) return undefined;
  const broken = new Set<string>();
  return {
    groups: readList(fields, 'groups', groupSchema, ['id'], broken),
    nodes: readList(fields, 'nodes', nodeSchema, ['id', 'type'], broken),
    edges: readList(fields, 'edges', edgeSchema, ['from', 'to'], broken),
    broken,
  };
}
