/**
 * The editor's model without a browser: a scenario survives the trip to the
 * canvas and back, the connection rules match the validator's, and the
 * server's wording wins where both validators report the same place.
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateScenario } from '../../engine/scenario/validate';
import { createRegistry } from '../../nodes';
import { catalogOf } from '../../editor/src/model/catalog';
import { clientRegistry } from '../../editor/src/model/client-registry';
import { checkConnection } from '../../editor/src/model/connection-rules';
import { mergeProblems } from '../../editor/src/model/issues';
import { scenarioToFlow } from '../../editor/src/model/to-flow';
import { flowToScenario, type ScenarioMeta } from '../../editor/src/model/to-scenario';
import type { Scenario } from '../../engine/scenario/schema';

const example = path.resolve(import.meta.dirname, '../../examples/user-segmentation.json');
const registry = await createRegistry();
const catalog = catalogOf(registry.describe());

const small: Scenario = {
  format: 'switchyard/scenario@1', id: 'small', name: 'Small', settings: { timezone: 'UTC' },
  groups: [{ id: 'G', label: 'Group G', note: 'kept' } as never],
  nodes: [
    { id: 'n1', type: 'start', shape: 'circle', position: { x: 0, y: 40 } },
    { id: 'n2', type: 'trigger.manual', group: 'G', position: { x: 120, y: 20 } },
    { id: 'n3', type: 'router', group: 'G', position: { x: 400, y: 20 }, config: { subject: 'input.score' }, retry: { attempts: 2, delayMs: 10, backoff: 'fixed' } },
    { id: 'n4', type: 'transform', position: { x: 600, y: 200 }, config: { expression: 'input' }, onError: 'ignore' },
  ],
  edges: [
    { from: 'n1', to: 'n2', fromHandle: 'right', toHandle: 'left' },
    { from: 'n2', to: 'n3', fromHandle: 'right', toHandle: 'left' },
    { from: 'n3', to: 'n4', label: '> 0.7', fromHandle: 'bottom', toHandle: 'top', color: 'kept' } as never,
  ],
};

function roundTrip(doc: Scenario): Scenario {
  const { nodes: _n, edges: _e, groups: _g, ...meta } = doc;
  const { nodes, edges } = scenarioToFlow(doc, catalog);
  return flowToScenario(meta as ScenarioMeta, nodes, edges);
}

describe('scenario ⇄ canvas', () => {
  it('keeps every node, edge and group field, with absolute positions', () => {
    const back = roundTrip(small);
    expect(back.nodes).toEqual(small.nodes);
    expect(back.edges).toEqual(small.edges);
    expect(back.groups).toEqual([expect.objectContaining({ id: 'G', label: 'Group G', note: 'kept' })]);
    expect(back.settings).toEqual(small.settings);
  });

  it.runIf(existsSync(example))('keeps the user-segmentation example as it is', () => {
    const doc = JSON.parse(readFileSync(example, 'utf8')) as Scenario;
    const back = roundTrip(doc);
    expect(back.nodes).toEqual(doc.nodes);
    expect(back.edges.map((e) => [e.from, e.to, e.label])).toEqual(doc.edges.map((e) => [e.from, e.to, e.label]));
    expect(validateScenario(back, registry).problems).toEqual(validateScenario(doc, registry).problems);
  });

  it('places group members relative to their group on the canvas', () => {
    const { nodes } = scenarioToFlow(small, catalog);
    const group = nodes.find((n) => n.id === 'G')!;
    const member = nodes.find((n) => n.id === 'n3')!;
    expect(member.parentId).toBe('G');
    expect({ x: group.position.x + member.position.x, y: group.position.y + member.position.y }).toEqual({ x: 400, y: 20 });
    expect(nodes.indexOf(group)).toBeLessThan(nodes.indexOf(member));
  });
});

describe('connection rules', () => {
  const { nodes, edges } = scenarioToFlow(small, catalog);
  it('refuses cycles, edges into the trigger (but from a start circle), self-loops and the same connection twice', () => {
    expect(checkConnection({ source: 'n4', target: 'n2' }, nodes, edges, catalog)).toMatchObject({ ok: false, reason: 'Only a start circle may lead into the trigger' });
    expect(checkConnection({ source: 'n4', target: 'n3' }, nodes, edges, catalog).reason).toMatch(/cycle/);
    expect(checkConnection({ source: 'n4', target: 'n4' }, nodes, edges, catalog).ok).toBe(false);
    // The start circle may lead into the trigger — once: n1 → n2 is drawn already.
    const withoutStart = edges.filter((e) => !(e.source === 'n1' && e.target === 'n2'));
    expect(checkConnection({ source: 'n1', target: 'n2' }, nodes, withoutStart, catalog).ok).toBe(true);
    expect(checkConnection({ source: 'n1', target: 'n2', sourceHandle: 'bottom' }, nodes, edges, catalog)).toMatchObject({ ok: false, reason: 'n1 is already connected to n2 from that output' });
    expect(checkConnection({ source: 'n2', target: 'n4' }, nodes, edges, catalog).ok).toBe(true);
  });
});

describe('client-side validation', () => {
  it('finds the same problems in the same places as the server, and takes the server\'s wording there', () => {
    const broken = { ...small, nodes: [...small.nodes, { id: 'n5', type: 'approval', config: { reviewers: [] }, position: { x: 0, y: 0 } }], edges: [...small.edges, { from: 'n4', to: 'n5' }] };
    const server = validateScenario(broken, registry).problems;
    const client = validateScenario(broken, clientRegistry(registry.describe())).problems;
    expect(client.map((p) => [p.path, p.nodeId, p.severity])).toEqual(server.map((p) => [p.path, p.nodeId, p.severity]));
    expect(mergeProblems(client, server, false)).toEqual(server);
  });
});
