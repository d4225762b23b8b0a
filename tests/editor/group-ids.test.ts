/**
 * A scenario whose group shares an id with a node (the explainable-segmentation
 * example had one: group and approval both "review"). Validation names it; the
 * editor opens it all the same, gives the group a free id, and saves a
 * document that validates — before, the node became its own parent and every
 * edit and save overflowed the stack.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogOf } from '../../editor/src/model/catalog';
import { scenarioToFlow } from '../../editor/src/model/to-flow';
import { flowToScenario } from '../../editor/src/model/to-scenario';
import { validateScenario } from '../../engine/scenario/validate';
import type { Scenario } from '../../engine/scenario/schema';
import { createRegistry, type NodeRegistry } from '../../nodes';

let registry: NodeRegistry;
beforeAll(async () => {
  registry = await createRegistry();
});

const doc = {
  format: 'switchyard/scenario@1', id: 'clash', name: 'Clash',
  groups: [{ id: 'review', label: 'Human review' }],
  nodes: [
    { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 } },
    { id: 'review', type: 'approval', group: 'review', position: { x: 300, y: 0 }, config: { reviewers: ['lead'] } },
    { id: 'after', type: 'transform', group: 'review', position: { x: 600, y: 0 }, config: { expression: 'input' } },
  ],
  edges: [{ from: 'start', to: 'review' }, { from: 'review', to: 'after', fromHandle: 'approved' }],
} as Scenario;

describe('a group that shares its id with a node', () => {
  it('is named by validation, at the group', () => {
    const problems = validateScenario(doc, registry).problems.filter((p) => p.severity === 'error');
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual(['groups[0].id: Group id "review" is also a node\'s id (nodes[1]); give the group another id']);
  });

  it('opens in the editor under a free id, and saves a document that validates', () => {
    const { nodes } = scenarioToFlow(doc, catalogOf([]));
    const ids = nodes.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(nodes.find((n) => n.id === 'review')).toMatchObject({ parentId: 'review-group' });
    const saved = flowToScenario({ format: doc.format, id: doc.id, name: doc.name }, nodes, []);
    expect(saved.groups?.map((g) => g.id)).toEqual(['review-group']);
    expect(saved.nodes.find((n) => n.id === 'review')).toMatchObject({ group: 'review-group', position: { x: 300, y: 0 } });
    expect(validateScenario({ ...saved, edges: doc.edges }, registry).problems.filter((p) => p.severity === 'error')).toEqual([]);
  });
});

describe('the same connection twice', () => {
  it('is an error: its target would run twice for each bundle', () => {
    const twice = { ...doc, groups: [], nodes: doc.nodes.map(({ group: _g, ...n }) => n), edges: [...doc.edges, { from: 'start', to: 'review', fromHandle: 'bottom' }] } as Scenario;
    const problems = validateScenario(twice, registry).problems.filter((p) => p.severity === 'error');
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual(['edges[2]: Same connection as edges[0] (start → review): its target would run twice for each bundle']);
  });
});
