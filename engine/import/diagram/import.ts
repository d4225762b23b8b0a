/**
 * Text diagram → format v1 scenario. Keeps every node, group, edge, label
 * and handle side of the drawing, picks node types from shape and label
 * (see `infer.ts`), lays the nodes out with ELK, and notes what a person
 * still has to configure.
 */
import type { Scenario, ScenarioEdge, ScenarioNode } from '../../scenario/schema';
import { SCENARIO_FORMAT } from '../../scenario/schema';
import { scenarioId, uniqueId } from '../ids';
import { layoutScenario } from '../layout';
import type { ImportNote, ImportOptions, ImportResult } from '../types';
import { guessRouterSubject, httpMethodOf, inferNodeTypes } from './infer';
import { assertDiagram } from './no-diagram';
import { parseDiagram, type DiagramNode } from './parse';

const TRIGGER_TYPES = new Set(['trigger.manual', 'trigger.webhook', 'trigger.schedule']);

/**
 * Imports the Make-style text diagram of seed 002.
 *
 * @example
 * const { scenario, notes } = await importDiagram(text, { filename: 'segmentation.txt' });
 * scenario.nodes.length // → 20 for seed 002
 */
export async function importDiagram(text: string, options: ImportOptions = {}): Promise<ImportResult> {
  const doc = parseDiagram(text);
  // Prose alone would come out as a lone manual trigger: refused, saying what was expected.
  assertDiagram(doc, text);
  const notes: ImportNote[] = [];
  const name = doc.header[0]?.trim() || 'Imported diagram';
  const description = [...doc.header.slice(1), ...doc.trailing].join('\n').trim();
  const id = scenarioId(options, doc.header[0] ?? undefined);

  const inferred = inferNodeTypes(doc.nodes, doc.edges);
  const nodes: ScenarioNode[] = doc.nodes.map((node, i) => {
    const type = node.type ?? inferred.get(node.id)!;
    const { config, note } = configFor(type, node, id, Boolean(node.type));
    if (note) notes.push({ path: `nodes[${i}]${note.field ? `.config.${note.field}` : ''}`, message: `${node.id} "${node.label ?? ''}": ${note.message}` });
    return {
      id: node.id,
      type,
      ...(node.label !== undefined ? { label: node.label } : {}),
      ...(node.group ? { group: node.group } : {}),
      shape: node.shape,
      config,
    };
  });
  const edges: ScenarioEdge[] = doc.edges.map(({ line: _l, column: _c, ...edge }) => edge);

  const scenario: Scenario = {
    format: SCENARIO_FORMAT,
    id,
    name,
    ...(description ? { description } : {}),
    ...(doc.groups.length ? { groups: doc.groups.map((g) => ({ id: g.id, ...(g.label ? { label: g.label } : {}) })) } : {}),
    nodes,
    edges,
  };
  if (!nodes.some((n) => TRIGGER_TYPES.has(n.type))) notes.push(insertManualTrigger(scenario));
  await layoutScenario(scenario);
  return { scenario, notes };
}

interface ConfigNote {
  field?: string;
  message: string;
}

/** The starting config for a node type picked from the drawing, and what the user must still check. */
function configFor(type: string, node: DiagramNode, scenarioId: string, explicit: boolean): { config: Record<string, unknown>; note?: ConfigNote } {
  switch (type) {
    case 'router': {
      const subject = guessRouterSubject(node.label);
      return { config: { subject }, note: { field: 'subject', message: `router subject guessed as "${subject}" from the label; check it names the field the edge labels compare` } };
    }
    case 'http.request': {
      const method = httpMethodOf(node.label) ?? 'GET';
      return { config: { method }, note: { field: 'url', message: `HTTP ${method} request: set the URL (and body/headers) it calls` } };
    }
    case 'trigger.webhook':
      return {
        config: { path: scenarioId },
        note: { field: 'path', message: `became the webhook trigger (POST /hooks/${scenarioId}); set a signing secret if the sender signs its requests` },
      };
    case 'placeholder':
      return { config: { hint: node.label ?? node.id }, note: { message: 'needs configuring: pick the node type that does this step' } };
    case 'start':
    case 'end':
    case 'trigger.manual':
      return { config: {} };
    default:
      return { config: {}, ...(explicit ? { note: { message: `node type "${type}" has no configuration in the diagram; configure it` } } : {}) };
  }
}

/**
 * A scenario needs exactly one trigger: when the drawing shows none, the
 * start circle leads into a new `trigger.manual` (or, with no start circle,
 * the manual trigger leads into every node nothing points at).
 */
function insertManualTrigger(scenario: Scenario): ImportNote {
  const taken = new Set(scenario.nodes.map((n) => n.id));
  const start = scenario.nodes.find((n) => n.type === 'start');
  const triggerId = uniqueId('trigger', taken);
  const trigger: ScenarioNode = { id: triggerId, type: 'trigger.manual', label: 'Manual trigger', shape: 'rectangle', config: {} };
  if (start) {
    if (start.group) trigger.group = start.group;
    const fromStart = scenario.edges.filter((e) => e.from === start.id);
    for (const edge of fromStart) edge.from = triggerId;
    scenario.edges.unshift({ from: start.id, to: triggerId, fromHandle: fromStart[0]?.fromHandle ?? 'right', toHandle: 'left' });
    scenario.nodes.splice(scenario.nodes.indexOf(start) + 1, 0, trigger);
    return {
      path: `nodes[${scenario.nodes.indexOf(trigger)}]`,
      message: `No node after the start circle watches, receives or is a webhook, so "${start.id}" now leads into a manual trigger "${triggerId}"; replace it with trigger.webhook or trigger.schedule if runs start another way`,
    };
  }
  const targets = new Set(scenario.edges.map((e) => e.to));
  const roots = scenario.nodes.filter((n) => !targets.has(n.id));
  scenario.nodes.unshift(trigger);
  scenario.edges.unshift(...roots.map((root) => ({ from: triggerId, to: root.id })));
  return {
    path: 'nodes[0]',
    message: `The diagram has no trigger and no start circle, so a manual trigger "${triggerId}" now leads into ${roots.map((r) => r.id).join(', ') || 'nothing'}; replace it with trigger.webhook or trigger.schedule if runs start another way`,
  };
}
