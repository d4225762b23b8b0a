/**
 * Scenario → the Make-style text diagram of seed 002, so a scenario can be
 * reviewed, diffed or pasted as text. Importing the result gives back the
 * same nodes, groups, edges, labels and handle sides. Node types are written
 * (`type:"…"`) only where shape and label would not bring them back; config,
 * positions and settings are not part of the notation. What the notation
 * cannot write (an id with a ".") is refused with a `DiagramExportError` at
 * its JSON path.
 */
import type { Scenario, ScenarioEdge, ScenarioNode } from '../../scenario/schema';
import { DiagramExportError } from './export-error';
import { inferNodeTypes, shapeOfType } from './infer';
import type { DiagramShape } from './parse';
import { quote } from './tokens';

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
const GROUP_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function checkName(kind: string, name: string, path: string, pattern = NAME): string {
  if (!pattern.test(name)) {
    const allowed = pattern === GROUP_NAME ? 'letters, digits, _ and - only, starting with a letter or _' : 'letters, digits, _ and - only';
    throw new DiagramExportError(`${kind} "${name}" cannot be written in the diagram notation: use ${allowed}`, path);
  }
  return name;
}

/**
 * Writes a scenario in the text diagram notation.
 *
 * @example
 * exportDiagram(scenario)
 * // → 'User Segmentation Workflow\n…\nMakeScenario { # Make.com Scenario\nn1: circle label:"Start"\n…'
 */
export function exportDiagram(scenario: Scenario): string {
  const groups = new Map((scenario.groups ?? []).map((g) => [g.id, g]));
  const byId = new Map(scenario.nodes.map((n) => [n.id, n]));
  const groupOf = (node: ScenarioNode | undefined) => (node?.group && groups.has(node.group) ? node.group : undefined);
  const shapeOf = (node: ScenarioNode): DiagramShape => node.shape ?? shapeOfType(node.type);
  const edges = scenario.edges.filter((e) => byId.has(e.from) && byId.has(e.to));
  const inferred = inferNodeTypes(
    scenario.nodes.map((n) => ({ id: n.id, shape: shapeOf(n), label: n.label })),
    edges,
  );

  const nodeLine = (node: ScenarioNode) => {
    const parts = [`${checkName('Node id', node.id, `nodes[${scenario.nodes.indexOf(node)}].id`)}: ${shapeOf(node)}`];
    if (node.label !== undefined) parts.push(`label:${quote(node.label)}`);
    if (inferred.get(node.id) !== node.type) parts.push(`type:${quote(node.type)}`);
    return parts.join(' ');
  };
  const edgeLine = (edge: ScenarioEdge, container: string | undefined) => {
    const at = `edges[${scenario.edges.indexOf(edge)}]`;
    const handle = (h: string | undefined, field: 'fromHandle' | 'toHandle') => (h ? `.handle(${checkName(`Handle of the edge ${edge.from} → ${edge.to}`, h, `${at}.${field}`)})` : '');
    const targetGroup = groupOf(byId.get(edge.to));
    const qualifier = targetGroup && targetGroup !== container ? `${targetGroup}.` : '';
    const attributes = [
      ...(edge.label !== undefined ? [`label=${quote(edge.label)}`] : []),
      ...(edge.when !== undefined ? [`when=${quote(edge.when)}`] : []),
    ];
    return `${edge.from}${handle(edge.fromHandle, 'fromHandle')} -> ${qualifier}${edge.to}${handle(edge.toHandle, 'toHandle')}${attributes.length ? ` [${attributes.join(', ')}]` : ''}`;
  };
  const body = (container: string | undefined) => [
    ...scenario.nodes.filter((n) => groupOf(n) === container).map(nodeLine),
    ...edges.filter((e) => groupOf(byId.get(e.from)) === container).map((e) => edgeLine(e, container)),
  ];

  const lines = [scenario.name.replace(/\s*\n\s*/g, ' '), ...(scenario.description ? scenario.description.split('\n') : [])];
  for (const [index, group] of (scenario.groups ?? []).entries()) {
    const label = group.label?.replace(/\s*\n\s*/g, ' ').trim();
    lines.push(`${checkName('Group id', group.id, `groups[${index}].id`, GROUP_NAME)} {${label ? ` # ${label}` : ''}`, ...body(group.id), '}');
  }
  lines.push(...body(undefined));
  return `${lines.join('\n')}\n`;
}
