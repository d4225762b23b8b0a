/**
 * Workflow record (seed 000: `_kind: "Workflow"`, attributes, typed edges to
 * roles, skill areas, domains) → format v1 scenario: a schedule trigger from
 * its cadence, a placeholder per step its description names, the
 * deliverables, and an approval by the roles it involves.
 */
import type { Scenario, ScenarioEdge, ScenarioNode } from '../../scenario/schema';
import { SCENARIO_FORMAT } from '../../scenario/schema';
import { scenarioId, shortLabel } from '../ids';
import { isRecord } from '../json-text';
import { layoutScenario } from '../layout';
import { ImportError, type ImportNote, type ImportOptions, type ImportResult } from '../types';
import { cadenceSchedule } from './cadence';

/** True for a JSON object that is a workflow record. */
export function isWorkflowRecord(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && (value._kind === 'Workflow' || (isRecord(value.attributes) && 'workflowKind' in value.attributes));
}

/** `role:data-scientist` → `data-scientist`. */
function localName(ref: unknown): string | undefined {
  return typeof ref === 'string' ? ref.slice(ref.indexOf(':') + 1) || undefined : undefined;
}

/** Targets of the record's edges of one kind, as local names. */
function related(record: Record<string, unknown>, kind: string): string[] {
  const edges = Array.isArray(record.outgoingEdges) ? record.outgoingEdges.filter(isRecord) : [];
  return [...new Set(edges.filter((e) => e.kind === kind).map((e) => localName(e.to)).filter((n): n is string => Boolean(n)))];
}

/**
 * The steps a description lists: after its "--" (or ":"), the clauses that
 * start with a verb in -ing ("re-running clustering …, validating segment
 * stability …, and reconciling …"). Commas inside parentheses do not split.
 *
 * @example describedSteps('Reviews models -- re-running X, validating Y, and testing Z.') // → ['re-running X', 'validating Y', 'testing Z']
 */
export function describedSteps(description: string): { steps: string[]; produces: string[]; excludes?: string } {
  const text = description.replace(/\s+/g, ' ').trim();
  const sentences = text.split(/(?<=\.)\s+(?=[A-Z])/);
  const produces = sentences.find((s) => /^Produces\b/.test(s));
  const excludes = sentences.find((s) => /^Excludes\b/.test(s));
  const purpose = sentences[0] ?? '';
  const list = /\s(?:--|—|–|:)\s(.+)$/.exec(purpose)?.[1] ?? '';
  const steps: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    if (list[i] === '(') depth++;
    else if (list[i] === ')') depth--;
    else if (list[i] === ',' && depth === 0) {
      const rest = list.slice(i + 1);
      const next = /^\s+(?:and\s+)?([a-z-]+ing)\b/.exec(rest);
      if (next) {
        steps.push(list.slice(start, i));
        start = i + 1 + next[0].length - next[1].length;
      }
    }
  }
  if (list) steps.push(list.slice(start));
  const cleaned = steps.map((s) => s.trim().replace(/\.$/, '')).filter(Boolean);
  const deliverables = produces
    ? produces
        .replace(/^Produces\s+/, '')
        .replace(/\.$/, '')
        .split(/,\s*(?:and\s+)?|\s+and\s+/)
        .map((d) => d.trim())
        .filter(Boolean)
    : [];
  return { steps: cleaned.length > 1 || /ing\b/.test(cleaned[0] ?? '') ? cleaned : [], produces: deliverables, ...(excludes ? { excludes } : {}) };
}

function triggerFor(attributes: Record<string, unknown>, id: string, timezone: string, notes: ImportNote[]): ScenarioNode {
  const triggerType = String(attributes.triggerType ?? '').toLowerCase();
  const cadence = typeof attributes.typicalCadence === 'string' ? attributes.typicalCadence : undefined;
  if (triggerType === 'scheduled' || (cadence && !triggerType)) {
    const schedule = cadenceSchedule(cadence);
    if (schedule) {
      notes.push({ path: 'nodes[0].config', message: `Runs ${cadence} (${'cron' in schedule ? `cron "${schedule.cron}"` : `every ${schedule.every / 86_400_000} days`}, ${timezone}); adjust the time or time zone if the team meets elsewhere` });
      return { id: 'schedule', type: 'trigger.schedule', label: `${shortLabel(cadence!)} schedule`, config: { ...schedule, timezone } };
    }
    notes.push({ path: 'nodes[0]', message: `The cadence "${cadence ?? '(none)'}" names no schedule; runs start by hand until you set trigger.schedule` });
  } else if (/event|webhook/.test(triggerType)) {
    notes.push({ path: 'nodes[0].config.path', message: `Started by an event: the webhook is POST /hooks/${id}; point the event source there` });
    return { id: 'event', type: 'trigger.webhook', label: 'Event received', config: { path: id } };
  }
  return { id: 'start-review', type: 'trigger.manual', label: 'Start by hand', config: {} };
}

/**
 * Imports a workflow record (the bare JSON object).
 *
 * @example
 * const { scenario } = await importWorkflowRecord(record, { timezone: 'Europe/Berlin' });
 * scenario.nodes[0].config // → { cron: '0 9 1 1,4,7,10 *', timezone: 'Europe/Berlin' }
 */
export async function importWorkflowRecord(record: Record<string, unknown>, options: ImportOptions = {}): Promise<ImportResult> {
  const attributes = isRecord(record.attributes) ? record.attributes : {};
  const notes: ImportNote[] = [];
  const recordId = typeof record.id === 'string' ? record.id : undefined;
  const name = typeof attributes.displayName === 'string' && attributes.displayName.trim() ? attributes.displayName.trim() : localName(recordId) ?? 'Imported workflow';
  const id = options.id ?? (localName(recordId) ? scenarioId({}, localName(recordId)) : scenarioId(options, name));
  const description = typeof attributes.description === 'string' ? attributes.description.trim() : undefined;
  const timezone = options.timezone ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw new ImportError(`Unknown time zone "${timezone}"`, undefined, undefined, 'options.timezone');
  }

  const nodes: ScenarioNode[] = [triggerFor(attributes, id, timezone, notes)];
  const { steps, produces, excludes } = describedSteps(description ?? '');
  const stepTexts = steps.length ? steps : [description ?? name];
  stepTexts.forEach((text, i) => {
    nodes.push({ id: `step-${i + 1}`, type: 'placeholder', label: shortLabel(text, 60), config: { hint: text } });
    notes.push({ path: `nodes[${nodes.length - 1}]`, message: `step-${i + 1} needs configuring: ${shortLabel(text, 120)}` });
  });
  if (produces.length) {
    nodes.push({ id: 'deliverables', type: 'placeholder', label: 'Produce the review outputs', config: { hint: `Produces ${produces.join(', ')}` } });
    notes.push({ path: `nodes[${nodes.length - 1}]`, message: `deliverables needs configuring: ${produces.join(', ')}` });
  }
  const reviewers = related(record, 'involves_role');
  if (reviewers.length) {
    nodes.push({
      id: 'review',
      type: 'approval',
      label: 'Cross-team review',
      config: { reviewers, message: `Review ${produces.length ? produces.join(', ') : `the ${name} results`} before they take effect` },
    });
    nodes.push({ id: 'approved', type: 'end', label: 'Approved', shape: 'circle', config: {} });
    nodes.push({ id: 'rejected', type: 'end', label: 'Rejected', shape: 'circle', config: {} });
  } else {
    notes.push({ message: 'The record names no involved roles, so there is no approval step; add one if the results need sign-off' });
  }

  const chain = nodes.filter((n) => n.type !== 'end');
  const edges: ScenarioEdge[] = chain.slice(1).map((node, i) => ({ from: chain[i].id, to: node.id }));
  if (reviewers.length) edges.push({ from: 'review', to: 'approved', fromHandle: 'approved' }, { from: 'review', to: 'rejected', fromHandle: 'rejected' });

  const tags = [...new Set([...related(record, 'applies_to_domain'), ...related(record, 'requires_skill_area')])];
  const orgUnits = related(record, 'performed_by_org_unit');
  const responsibilities = related(record, 'triggers_responsibility');
  if (orgUnits.length) notes.push({ message: `Performed by ${orgUnits.join(', ')}: give those teams access to the scenario` });
  if (responsibilities.length) notes.push({ message: `Feeds the responsibilities ${responsibilities.join(', ')}` });
  if (excludes) notes.push({ message: `Out of scope per the record: ${excludes.replace(/^Excludes\s+/, '').replace(/\.$/, '')}` });

  const scenario: Scenario = {
    format: SCENARIO_FORMAT,
    id,
    name,
    ...(description ? { description } : {}),
    settings: { timezone, ...(tags.length ? { tags } : {}) },
    nodes,
    edges,
  };
  await layoutScenario(scenario);
  return { scenario, notes };
}
