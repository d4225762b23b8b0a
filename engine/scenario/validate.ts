/**
 * Scenario validation: the zod structure of format v1, then what needs the
 * registry and the whole graph. Every problem carries the JSON path the
 * editor uses to point at the node, edge or field. Pure: no I/O.
 */
import type { z } from 'zod';
import type { NodeRegistry } from '../../nodes/registry';
import { checkExpression } from '../expression/expression';
import { Template, hasPlaceholder } from '../expression/template';
import { adjacency, findCycles, reachableFrom } from './graph';
import { formatPath } from './path';
import { readableGraph, type ReadableGraph } from './readable-graph';
import { routeConditionFromLabel } from './route-label';
import { DEFAULT_PORT, ERROR_PORT, edgePort } from './ports';
import { scenarioSchema, type Scenario, type ScenarioEdge, type ScenarioNode } from './schema';
import { isTimeZone } from './time-zone';

export type Severity = 'error' | 'warning';

/** One problem found in a scenario document. */
export interface Problem {
  /** JSON path into the document, e.g. `nodes[3].config.url`. */
  path: string;
  message: string;
  severity: Severity;
  /** A short machine-readable tag: `unknown-type`, `cycle`, `expression`, … */
  code: string;
  /** The node the problem belongs to, when there is one. */
  nodeId?: string;
}

export interface ValidationResult {
  ok: boolean;
  /** The parsed scenario (defaults applied) when the structure was sound enough to read. */
  scenario?: Scenario;
  problems: Problem[];
}

export { DEFAULT_PORT, ERROR_PORT, edgePort } from './ports';

function expressionProblem(path: string, source: string, nodeId?: string): Problem | undefined {
  const error = checkExpression(source);
  if (!error) return undefined;
  const at = error.position !== undefined ? ` (at character ${error.position})` : '';
  return { path, message: `JSONata: ${error.message}${at}`, severity: 'error', code: 'expression', nodeId };
}

function templateProblems(value: unknown, segments: Array<string | number>, nodeId: string, out: Problem[], depth = 0): void {
  if (depth > 20) return;
  if (typeof value === 'string') {
    if (!hasPlaceholder(value)) return;
    try {
      new Template(value);
    } catch (error) {
      const e = error as { message: string; position?: number };
      const at = e.position !== undefined ? ` (at character ${e.position})` : '';
      out.push({ path: formatPath(segments), message: `Template: ${e.message}${at}`, severity: 'error', code: 'expression', nodeId });
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => templateProblems(item, [...segments, i], nodeId, out, depth + 1));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) templateProblems(item, [...segments, key], nodeId, out, depth + 1);
  }
}

function isTemplateAt(config: unknown, path: ReadonlyArray<string | number>): boolean {
  let value: unknown = config;
  for (const key of path) value = value && typeof value === 'object' ? (value as Record<string | number, unknown>)[key] : undefined;
  return typeof value === 'string' && hasPlaceholder(value);
}

function zodProblems(error: z.ZodError, prefix: Array<string | number>, nodeId?: string): Problem[] {
  return error.issues.map((issue) => ({
    path: formatPath([...prefix, ...(issue.path as Array<string | number>)]),
    message: issue.message,
    severity: 'error' as const,
    code: 'schema',
    nodeId,
  }));
}

/**
 * Validates a scenario document. Every problem there is, in one answer: a
 * node or edge the schema refuses takes part in the graph checks with what
 * of it could be read, and only the checks that need its refused fields skip it.
 *
 * @example
 * const { ok, problems } = validateScenario(JSON.parse(text), registry);
 * if (!ok) for (const p of problems) console.error(`${p.path}: ${p.message}`);
 */
export function validateScenario(document: unknown, registry: NodeRegistry): ValidationResult {
  const parsed = scenarioSchema.safeParse(document);
  const settings = settingsProblems(document);
  if (!parsed.success) {
    const problems = [...zodProblems(parsed.error, []), ...settings];
    const graph = readableGraph(document);
    if (graph) problems.push(...graphProblems(graph, registry));
    return { ok: false, problems };
  }
  const scenario = parsed.data;
  const problems = [...settings, ...graphProblems({ ...scenario, groups: scenario.groups ?? [], broken: new Set() }, registry)];
  // Whole-scenario checks that node families bring (e.g. the sensitive-attribute guardrail).
  // They assume a sound graph, so they run only when the checks above found no error.
  if (!problems.some((p) => p.severity === 'error')) {
    for (const check of registry.scenarioChecks()) problems.push(...check(scenario, registry));
  }
  return { ok: !problems.some((p) => p.severity === 'error'), scenario, problems };
}

/** `settings.timezone` is where a schedule without its own zone fires; an unknown one would fail only when published. */
function settingsProblems(document: unknown): Problem[] {
  const timezone = (document as { settings?: { timezone?: unknown } } | undefined)?.settings?.timezone;
  if (typeof timezone !== 'string' || isTimeZone(timezone)) return [];
  return [{ path: 'settings.timezone', message: `Unknown time zone ${JSON.stringify(timezone)}`, severity: 'error', code: 'schema' }];
}

/** A node's own problems: its group, its type, its config and the expressions and templates in it, its error handling. */
function nodeProblems(node: ScenarioNode, i: number, graph: ReadableGraph, groupIds: ReadonlySet<string>, registry: NodeRegistry): Problem[] {
  const problems: Problem[] = [];
  const at = (field: string) => `nodes[${i}].${field}`;
  if (node.group !== undefined && !groupIds.has(node.group)) {
    problems.push({ path: at('group'), message: `Unknown group "${node.group}"`, severity: 'error', code: 'unknown-group', nodeId: node.id });
  }
  const type = registry.get(node.type);
  if (!type) {
    // An empty type is the schema's problem already ("Node type is required").
    if (!graph.broken.has(at('type'))) problems.push({ path: at('type'), message: `Unknown node type "${node.type}"`, severity: 'error', code: 'unknown-type', nodeId: node.id });
    return problems;
  }
  // A config that is not even an object is the schema's problem; its fields cannot be checked.
  if (graph.broken.has(at('config'))) return problems;
  const config = type.config.safeParse(node.config ?? {});
  if (!config.success) {
    // A `{{ template }}` may stand where the schema wants a number or a boolean: its value is only
    // known at run time, where the resolved config is checked against the schema again.
    const issues = config.error.issues.filter((issue) => !isTemplateAt(node.config, issue.path as Array<string | number>));
    problems.push(...zodProblems({ issues } as z.ZodError, ['nodes', i, 'config'], node.id));
  } else {
    for (const extra of type.check?.(config.data) ?? []) {
      problems.push({ path: formatPath(['nodes', i, 'config', ...(extra.path ?? [])]), message: extra.message, severity: extra.severity ?? 'error', code: 'config', nodeId: node.id });
    }
  }
  const raw = (node.config ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(raw)) {
    const kind = type.fieldKinds[key];
    if ((kind === 'expression' || kind === 'lazy-expression') && typeof value === 'string' && value.trim()) {
      const p = expressionProblem(`nodes[${i}].config.${key}`, value, node.id);
      if (p) problems.push(p);
    } else if (node.type !== 'placeholder') {
      // A placeholder keeps the imported module's mapping verbatim; it fails validation anyway.
      templateProblems(value, ['nodes', i, 'config', key], node.id, problems);
    }
  }
  if (node.onError === 'resume' && node.errorOutput === undefined) {
    problems.push({ path: at('errorOutput'), message: 'onError "resume" needs an errorOutput to continue with', severity: 'warning', code: 'config', nodeId: node.id });
  }
  return problems;
}

/** Problems of the groups, nodes and edges: ids, node types and configs, expressions, ports, cycles, the trigger, reachability. */
function graphProblems(graph: ReadableGraph, registry: NodeRegistry): Problem[] {
  const problems: Problem[] = [];
  const nodeIndex = new Map<string, number>();
  const groupIds = new Set<string>();
  const nodes = graph.nodes.filter((node): node is ScenarioNode => node !== undefined);

  graph.groups.forEach((group, i) => {
    if (!group) return;
    if (groupIds.has(group.id)) problems.push({ path: `groups[${i}].id`, message: `Duplicate group id "${group.id}"`, severity: 'error', code: 'duplicate-id' });
    groupIds.add(group.id);
  });

  graph.nodes.forEach((node, i) => {
    if (!node) return;
    if (nodeIndex.has(node.id)) {
      // Edges cannot tell the two apart, so they lead to the first; the duplicate's own fields are still checked.
      problems.push({ path: `nodes[${i}].id`, message: `Duplicate node id "${node.id}" (also nodes[${nodeIndex.get(node.id)}])`, severity: 'error', code: 'duplicate-id', nodeId: node.id });
    } else {
      nodeIndex.set(node.id, i);
    }
    problems.push(...nodeProblems(node, i, graph, groupIds, registry));
  });

  // The editor draws groups and nodes in one space, where an id names one thing: a node that shares its group's id became its own parent.
  graph.groups.forEach((group, i) => {
    if (group && nodeIndex.has(group.id)) {
      problems.push({ path: `groups[${i}].id`, message: `Group id "${group.id}" is also a node's id (nodes[${nodeIndex.get(group.id)}]); give the group another id`, severity: 'error', code: 'duplicate-id' });
    }
  });

  const validEdges: Array<{ from: string; to: string }> = [];
  // The same connection twice runs its target twice for every bundle (two emails instead of one).
  const connections = new Map<string, number>();
  graph.edges.forEach((edge, i) => {
    if (!edge) return;
    const connection = JSON.stringify([edge.from, edgePort(edge.fromHandle), edge.to, edge.label ?? null, edge.when ?? null]);
    const first = connections.get(connection);
    if (first !== undefined) problems.push({ path: `edges[${i}]`, message: `Same connection as edges[${first}] (${edge.from} → ${edge.to}): its target would run twice for each bundle`, severity: 'error', code: 'duplicate-edge' });
    else connections.set(connection, i);
    const from = nodeIndex.has(edge.from);
    const to = nodeIndex.has(edge.to);
    // An empty end is the schema's problem already ("Edge needs from").
    if (!from && !graph.broken.has(`edges[${i}].from`)) problems.push({ path: `edges[${i}].from`, message: `Edge starts at unknown node "${edge.from}"`, severity: 'error', code: 'dangling-edge' });
    if (!to && !graph.broken.has(`edges[${i}].to`)) problems.push({ path: `edges[${i}].to`, message: `Edge ends at unknown node "${edge.to}"`, severity: 'error', code: 'dangling-edge' });
    if (!from || !to) return;
    validEdges.push({ from: edge.from, to: edge.to });
    problems.push(...edgeProblems(edge, i, graph, nodeIndex, registry));
  });

  for (const cycle of findCycles(nodes.map((n) => n.id), validEdges)) {
    const first = nodeIndex.get(cycle[0])!;
    problems.push({ path: `nodes[${first}]`, message: `Cycle: ${[...cycle, cycle[0]].join(' → ')}`, severity: 'error', code: 'cycle', nodeId: cycle[0] });
  }

  const triggers = nodes.filter((n) => registry.get(n.type)?.behaviour === 'trigger');
  if (triggers.length === 0) {
    problems.push({ path: 'nodes', message: 'A scenario needs exactly one trigger (trigger.manual, trigger.webhook or trigger.schedule); it has none', severity: 'error', code: 'trigger-count' });
  } else if (triggers.length > 1) {
    for (const extra of triggers.slice(1)) {
      problems.push({ path: `nodes[${graph.nodes.indexOf(extra)}]`, message: `A scenario needs exactly one trigger; it has ${triggers.length} (${triggers.map((t) => t.id).join(', ')})`, severity: 'error', code: 'trigger-count', nodeId: extra.id });
    }
  }

  const entry = entryNodeId({ nodes, edges: graph.edges.filter((edge): edge is ScenarioEdge => edge !== undefined) }, registry);
  if (entry) {
    const reachable = reachableFrom(entry, adjacency(nodeIndex.keys(), validEdges));
    graph.nodes.forEach((node, i) => {
      if (node && nodeIndex.get(node.id) === i && !reachable.has(node.id)) {
        problems.push({ path: `nodes[${i}]`, message: `Node "${node.id}" cannot be reached from the trigger`, severity: 'warning', code: 'unreachable', nodeId: node.id });
      }
    });
  }

  return problems;
}

/** An edge's own problems, once both its ends are known nodes: its port, where it leads, its condition. */
function edgeProblems(edge: ScenarioEdge, i: number, graph: ReadableGraph, nodeIndex: ReadonlyMap<string, number>, registry: NodeRegistry): Problem[] {
  const problems: Problem[] = [];
  const at = (field: string) => `edges[${i}].${field}`;
  const source = graph.nodes[nodeIndex.get(edge.from)!]!;
  const sourceType = registry.get(source.type);
  const targetType = registry.get(graph.nodes[nodeIndex.get(edge.to)!]!.type);
  if (targetType?.behaviour === 'trigger' && sourceType?.behaviour !== 'start') {
    problems.push({ path: at('to'), message: `Only a start circle may lead into the trigger "${edge.to}"`, severity: 'error', code: 'into-trigger', nodeId: edge.to });
  }
  // A handle the schema refused leaves the port unknown, and with it whether the edge routes on a condition.
  if (graph.broken.has(at('fromHandle'))) return problems;
  const port = edgePort(edge.fromHandle);
  if (sourceType && port !== DEFAULT_PORT && port !== ERROR_PORT && !(sourceType.outputs ?? []).includes(port)) {
    problems.push({ path: at('fromHandle'), message: `Node "${edge.from}" (${source.type}) has no output "${port}"`, severity: 'error', code: 'unknown-port', nodeId: edge.from });
  }
  if (edge.when !== undefined) {
    const p = expressionProblem(at('when'), edge.when, edge.from);
    if (p) problems.push(p);
  } else if (sourceType?.behaviour === 'router' && port === DEFAULT_PORT && !graph.broken.has(at('when')) && !graph.broken.has(at('label'))) {
    if (!edge.label?.trim()) {
      problems.push({ path: at('label'), message: `Router edge ${edge.from} → ${edge.to} needs a label or a "when" condition`, severity: 'error', code: 'route-condition', nodeId: edge.from });
    } else {
      const condition = routeConditionFromLabel(edge.label);
      if (condition.kind === 'expression') {
        const p = expressionProblem(at('label'), condition.source, edge.from);
        if (p) problems.push(p);
      }
    }
  }
  return problems;
}

/** Where a run enters the graph: a start circle that leads into the trigger, else the trigger itself. */
export function entryNodeId(scenario: Pick<Scenario, 'nodes' | 'edges'>, registry: NodeRegistry): string | undefined {
  const trigger = scenario.nodes.find((n) => registry.get(n.type)?.behaviour === 'trigger');
  if (!trigger) return undefined;
  const start = scenario.edges.find((e) => e.to === trigger.id && registry.get(scenario.nodes.find((n) => n.id === e.from)?.type ?? '')?.behaviour === 'start');
  return start ? start.from : trigger.id;
}

/** Formats problems one per line, as the CLI prints them. */
export function formatProblems(problems: ReadonlyArray<Problem>): string {
  return problems.map((p) => `${p.severity === 'error' ? 'error' : 'warning'} ${p.path}: ${p.message}`).join('\n');
}
