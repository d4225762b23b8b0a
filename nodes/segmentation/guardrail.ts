/**
 * Seed 004's guardrail: attributes a scenario marks sensitive
 * (`settings.sensitive`, e.g. ["gender", "birthYear"]) may be used in
 * segment rules, clustering features or an activation step's config only
 * when every path from the trigger to each activation step (crm.publish,
 * braze.*) passes an approval on its `approved` handle. The validator calls
 * this; it is pure and needs only the scenario and the registry.
 */
import type { NodeRegistry } from '../registry';
import { hasPlaceholder } from '../../engine/expression/template';
import { formatPath } from '../../engine/scenario/path';
import type { Scenario } from '../../engine/scenario/schema';
import { edgePort, entryNodeId, type Problem } from '../../engine/scenario/validate';
import { fieldNames } from './rule-names';

/** Node types that act on customers outside the run (activation). */
export function isActivationType(type: string): boolean {
  return type === 'crm.publish' || type.startsWith('braze.');
}

interface SensitiveUse {
  path: string;
  attribute: string;
  nodeId: string;
}

const PLACEHOLDER = /\{\{([\s\S]*?)\}\}/g;

function usesInValue(value: unknown, segments: Array<string | number>, sensitive: Set<string>, nodeId: string, out: SensitiveUse[], depth = 0): void {
  if (depth > 20) return;
  if (typeof value === 'string') {
    const names = hasPlaceholder(value) ? [...value.matchAll(PLACEHOLDER)].flatMap((m) => fieldNames(m[1])) : [value.trim()];
    for (const name of new Set(names)) if (sensitive.has(name)) out.push({ path: formatPath(segments), attribute: name, nodeId });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => usesInValue(item, [...segments, i], sensitive, nodeId, out, depth + 1));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) usesInValue(item, [...segments, key], sensitive, nodeId, out, depth + 1);
  }
}

/** Where sensitive attributes are used: rule conditions, clustering features, activation configs. */
function sensitiveUses(scenario: Scenario, sensitive: Set<string>): SensitiveUse[] {
  const uses: SensitiveUse[] = [];
  scenario.nodes.forEach((node, i) => {
    const config = (node.config ?? {}) as Record<string, unknown>;
    if (node.type === 'segment.rules' && Array.isArray(config.rules)) {
      config.rules.forEach((rule, j) => {
        const when = (rule as { when?: unknown })?.when;
        if (typeof when !== 'string') return;
        for (const name of fieldNames(when)) if (sensitive.has(name)) uses.push({ path: `nodes[${i}].config.rules[${j}].when`, attribute: name, nodeId: node.id });
      });
    } else if (node.type === 'segment.cluster' && Array.isArray(config.features)) {
      config.features.forEach((feature, j) => {
        if (typeof feature === 'string' && sensitive.has(feature)) uses.push({ path: `nodes[${i}].config.features[${j}]`, attribute: feature, nodeId: node.id });
      });
    } else if (isActivationType(node.type)) {
      usesInValue(config, ['nodes', i, 'config'], sensitive, node.id, uses);
    }
  });
  return uses;
}

/**
 * A path from the entry to `target` that does not pass an approval on its
 * `approved` handle, or undefined when every path is approved.
 */
function unapprovedPath(scenario: Scenario, registry: NodeRegistry, starts: string[], target: string): string[] | undefined {
  const isApproval = (id: string) => {
    const type = registry.get(scenario.nodes.find((n) => n.id === id)?.type ?? '');
    return Boolean(type?.outputs?.includes('approved'));
  };
  const previous = new Map<string, string | null>(starts.map((s) => [s, null]));
  const queue = [...starts];
  while (queue.length) {
    const node = queue.shift()!;
    if (node === target) {
      const path = [node];
      for (let p = previous.get(node); p; p = previous.get(p)) path.unshift(p);
      return path;
    }
    for (const edge of scenario.edges) {
      if (edge.from !== node || previous.has(edge.to)) continue;
      // Past an approval only its rejected and error handles lead on unapproved.
      if (isApproval(node) && !['rejected', 'error'].includes(edgePort(edge.fromHandle))) continue;
      previous.set(edge.to, node);
      queue.push(edge.to);
    }
  }
  return undefined;
}

/**
 * Validation problems for sensitive attributes that could reach activation
 * without a person's approval.
 *
 * @example
 * const problems = checkSensitiveGuardrail(scenario, registry);
 * // [{ path: 'nodes[4].config.rules[0].when', code: 'sensitive-attribute', message: '"gender" is marked sensitive …' }]
 */
export function checkSensitiveGuardrail(scenario: Scenario, registry: NodeRegistry): Problem[] {
  const sensitive = new Set(scenario.settings?.sensitive ?? []);
  if (sensitive.size === 0) return [];
  const uses = sensitiveUses(scenario, sensitive);
  if (uses.length === 0) return [];
  const entry = entryNodeId(scenario, registry);
  const starts = entry ? [entry] : scenario.nodes.filter((n) => !scenario.edges.some((e) => e.to === n.id)).map((n) => n.id);
  const unguarded = scenario.nodes
    .map((node, index) => ({ node, index }))
    .filter(({ node }) => isActivationType(node.type) && !node.disabled)
    .map(({ node, index }) => ({ node, index, path: unapprovedPath(scenario, registry, starts, node.id) }))
    .filter((a) => a.path);
  if (unguarded.length === 0) return [];
  const problems: Problem[] = uses.map((use) => ({
    path: use.path,
    message: `"${use.attribute}" is marked sensitive and is used here, but ${unguarded
      .map((a) => `${a.node.type} "${a.node.id}" can be reached without an approval (${a.path!.join(' → ')})`)
      .join('; ')}. Put an approval step on every path before activation, or stop using "${use.attribute}".`,
    severity: 'error',
    code: 'sensitive-attribute',
    nodeId: use.nodeId,
  }));
  for (const a of unguarded) {
    problems.push({
      path: `nodes[${a.index}]`,
      message: `Activation step "${a.node.id}" uses segments built from sensitive attributes (${[...new Set(uses.map((u) => u.attribute))].join(', ')}) and needs an approval on every path before it`,
      severity: 'error',
      code: 'sensitive-attribute',
      nodeId: a.node.id,
    });
  }
  return problems;
}
