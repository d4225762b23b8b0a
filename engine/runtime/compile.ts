/**
 * Compilation: a validated scenario becomes a `CompiledScenario` — node
 * types resolved, every expression and template parsed once, edges grouped
 * by output port with their conditions, and the reachability facts the
 * dataflow needs to know when a merge or aggregator has seen everything.
 * The XState machine (`machine.ts`) is built on top of it. Pure: no I/O.
 */
import type { NodeRegistry } from '../../nodes/registry';
import type { FieldKind, NodeType } from '../../nodes/sdk';
import { Expression } from '../expression/expression';
import { Template, hasPlaceholder } from '../expression/template';
import { adjacency, reachabilityIndex } from '../scenario/graph';
import { routeConditionFromLabel } from '../scenario/route-label';
import type { Scenario, ScenarioEdge, ScenarioNode } from '../scenario/schema';
import { DEFAULT_PORT, ERROR_PORT, edgePort, entryNodeId, formatProblems, validateScenario } from '../scenario/validate';

/** A config value prepared for resolution at step time. */
export type CompiledValue =
  | { kind: 'static'; value: unknown }
  | { kind: 'template'; template: Template }
  | { kind: 'expression'; expression: Expression }
  | { kind: 'lazy'; expression: Expression }
  | { kind: 'object'; entries: Array<[string, CompiledValue]> }
  | { kind: 'array'; items: CompiledValue[] };

export interface CompiledEdge {
  index: number;
  from: string;
  to: string;
  port: string;
  /** Absent: always taken. */
  condition?: Expression;
  isElse: boolean;
}

export interface CompiledNode {
  id: string;
  index: number;
  definition: ScenarioNode;
  type: NodeType;
  config: CompiledValue;
  /** True when some expression or template of this node reads `steps` (so the lineage must be built). */
  readsSteps: boolean;
  /** True when the config holds `{{ }}` templates (their values are checked against the schema at run time). */
  hasTemplates: boolean;
  /** Outgoing edges by port. */
  edges: Map<string, CompiledEdge[]>;
  /** Node ids with an edge into this one. */
  incoming: string[];
}

export interface CompiledScenario {
  scenario: Scenario;
  nodes: Map<string, CompiledNode>;
  edges: CompiledEdge[];
  entry: string;
  /** For each node, the nodes it can reach (itself included). */
  reaches: Map<string, Set<string>>;
  /** The router subject expressions, by node id. */
  subjects: Map<string, Expression>;
}

/** Thrown when a scenario cannot be compiled; carries the validator's problems. */
export class ScenarioInvalidError extends Error {
  constructor(readonly problems: ReturnType<typeof validateScenario>['problems']) {
    super(`Scenario is invalid:\n${formatProblems(problems.filter((p) => p.severity === 'error'))}`);
    this.name = 'ScenarioInvalidError';
  }
}

function compileValue(value: unknown, kind: FieldKind | undefined, depth = 0): CompiledValue {
  if (kind === 'expression' && typeof value === 'string') return { kind: 'expression', expression: new Expression(value) };
  if (kind === 'lazy-expression' && typeof value === 'string') return { kind: 'lazy', expression: new Expression(value) };
  if (typeof value === 'string') {
    return hasPlaceholder(value) ? { kind: 'template', template: new Template(value) } : { kind: 'static', value };
  }
  if (depth < 32 && Array.isArray(value)) {
    const items = value.map((item) => compileValue(item, undefined, depth + 1));
    return items.every((i) => i.kind === 'static') ? { kind: 'static', value } : { kind: 'array', items };
  }
  if (depth < 32 && value && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, compileValue(v, undefined, depth + 1)] as [string, CompiledValue]);
    return entries.every(([, v]) => v.kind === 'static') ? { kind: 'static', value } : { kind: 'object', entries };
  }
  return { kind: 'static', value };
}

function compileConfig(node: ScenarioNode, type: NodeType): CompiledValue {
  const raw = (node.config ?? {}) as Record<string, unknown>;
  // The type's schema fills defaults (router mode "first", …); expressions stay text until step time.
  const parsed = type.config.safeParse(raw);
  const base = (parsed.success && parsed.data && typeof parsed.data === 'object' ? { ...raw, ...(parsed.data as object) } : raw) as Record<string, unknown>;
  for (const [key, kind] of Object.entries(type.fieldKinds)) {
    if ((kind === 'expression' || kind === 'lazy-expression') && key in raw) base[key] = raw[key];
  }
  if (type.type === 'placeholder') return { kind: 'static', value: base };
  const entries = Object.entries(base).map(([key, value]) => [key, compileValue(value, type.fieldKinds[key])] as [string, CompiledValue]);
  return { kind: 'object', entries };
}

function hasTemplate(value: CompiledValue): boolean {
  if (value.kind === 'template') return true;
  if (value.kind === 'object') return value.entries.some(([, v]) => hasTemplate(v));
  if (value.kind === 'array') return value.items.some(hasTemplate);
  return false;
}

function mentionsSteps(node: ScenarioNode): boolean {
  return JSON.stringify(node.config ?? {}).includes('steps');
}

function compileEdge(edge: ScenarioEdge, index: number, sourceType: NodeType | undefined): CompiledEdge {
  const port = edgePort(edge.fromHandle);
  if (edge.when !== undefined && edge.when.trim()) {
    return { index, from: edge.from, to: edge.to, port, condition: new Expression(edge.when), isElse: false };
  }
  if (sourceType?.behaviour === 'router' && port === DEFAULT_PORT && edge.label) {
    const condition = routeConditionFromLabel(edge.label);
    if (condition.kind === 'else') return { index, from: edge.from, to: edge.to, port, isElse: true };
    return { index, from: edge.from, to: edge.to, port, condition: new Expression(condition.source), isElse: false };
  }
  return { index, from: edge.from, to: edge.to, port, isElse: false };
}

/**
 * Validates and compiles a scenario. Throws {@link ScenarioInvalidError} with
 * every problem when it has errors.
 *
 * @example
 * const compiled = compileScenario(JSON.parse(text), registry);
 * compiled.nodes.get('n10')!.edges.get('out') // → the router's edges with their conditions
 */
export function compileScenario(document: unknown, registry: NodeRegistry): CompiledScenario {
  const result = validateScenario(document, registry);
  if (!result.ok || !result.scenario) throw new ScenarioInvalidError(result.problems);
  const scenario = result.scenario;
  const nodes = new Map<string, CompiledNode>();
  const subjects = new Map<string, Expression>();
  scenario.nodes.forEach((definition, index) => {
    const type = registry.get(definition.type)!;
    const config = compileConfig(definition, type);
    nodes.set(definition.id, {
      id: definition.id,
      index,
      definition,
      type,
      config,
      readsSteps: mentionsSteps(definition),
      hasTemplates: hasTemplate(config),
      edges: new Map(),
      incoming: [],
    });
    const subject = (definition.config as Record<string, unknown> | undefined)?.subject;
    if (type.behaviour === 'router' && typeof subject === 'string' && subject.trim()) subjects.set(definition.id, new Expression(subject));
  });
  const edges = scenario.edges.map((edge, index) => compileEdge(edge, index, nodes.get(edge.from)?.type));
  for (const edge of edges) {
    const from = nodes.get(edge.from)!;
    if (!from.edges.has(edge.port)) from.edges.set(edge.port, []);
    from.edges.get(edge.port)!.push(edge);
    nodes.get(edge.to)!.incoming.push(edge.from);
    if (edge.condition && edge.condition.source.includes('steps')) from.readsSteps = true;
  }
  const ids = scenario.nodes.map((n) => n.id);
  return {
    scenario,
    nodes,
    edges,
    entry: entryNodeId(scenario, registry)!,
    reaches: reachabilityIndex(ids, adjacency(ids, edges)),
    subjects,
  };
}

export { DEFAULT_PORT, ERROR_PORT };
