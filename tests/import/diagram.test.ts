import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportDiagram } from '../../engine/import/diagram/export';
import { DiagramExportError } from '../../engine/import/diagram/export-error';
import { guessRouterSubject } from '../../engine/import/diagram/infer';
import { importDiagram } from '../../engine/import/diagram/import';
import { parseDiagram } from '../../engine/import/diagram/parse';
import { ImportError } from '../../engine/import/types';
import type { Scenario } from '../../engine/scenario/schema';
import { validateScenario } from '../../engine/scenario/validate';
import { createRegistry, type NodeRegistry } from '../../nodes';
import { configurePlaceholders, seed } from './support';

let registry: NodeRegistry;
beforeAll(async () => {
  registry = await createRegistry();
});

/**
 * What the notation carries: everything but config and positions. Node order
 * means nothing; edge order matters only among the edges leaving one node
 * (a router takes the first match), so edges are compared per source.
 */
function drawing(s: Scenario) {
  const byId = <T extends { id: string }>(list: T[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
  return {
    name: s.name,
    description: s.description,
    groups: (s.groups ?? []).map((g) => ({ id: g.id, label: g.label })),
    nodes: byId(s.nodes.map((n) => ({ id: n.id, type: n.type, label: n.label, group: n.group, shape: n.shape }))),
    edges: [...s.edges]
      .sort((a, b) => a.from.localeCompare(b.from))
      .map((e) => ({ from: e.from, to: e.to, label: e.label, when: e.when, fromHandle: e.fromHandle, toHandle: e.toHandle })),
  };
}

describe('text diagram import (seed 002)', () => {
  it('keeps all 20 nodes, 3 groups and 23 edges with their labels and sides', async () => {
    const text = seed('002');
    const { scenario } = await importDiagram(text);
    expect(scenario.name).toBe('User Segmentation Workflow');
    expect(scenario.description).toContain('Make.com automation scenario for real-time personalization');
    expect(scenario.description).toContain('Billing dispute workflow'); // trailing prose kept
    expect(scenario.nodes).toHaveLength(20);
    expect(scenario.groups).toEqual([
      expect.objectContaining({ id: 'MakeScenario', label: 'Make.com Scenario' }),
      expect.objectContaining({ id: 'MLModel', label: 'Make.com HTTP Module' }),
      expect.objectContaining({ id: 'ContentDelivery', label: 'Make.com Iterator' }),
    ]);
    expect(scenario.edges).toHaveLength(23);

    // Every edge line of the seed, with sides and label, is an edge of the scenario.
    const edgeLines = [...text.matchAll(/^(\w+)\.handle\((\w+)\) -> (?:\w+\.)?(\w+)\.handle\((\w+)\)(?: \[label="([^"]*)"\])?/gm)];
    expect(edgeLines).toHaveLength(23);
    expect(scenario.edges).toEqual(
      edgeLines.map(([, from, fromHandle, to, toHandle, label]) => ({ from, to, fromHandle, toHandle, ...(label !== undefined ? { label } : {}) })),
    );
    const n8 = scenario.nodes.find((n) => n.id === 'n8')!;
    expect(n8).toMatchObject({ group: 'MLModel', label: 'POST to recommendation API', shape: 'rectangle' });
  });

  it('picks node types from shape, label and place in the graph', async () => {
    const { scenario, notes } = await importDiagram(seed('002'));
    const type = (id: string) => scenario.nodes.find((n) => n.id === id)!;
    expect(type('n1').type).toBe('start');
    expect(type('n20').type).toBe('end');
    expect(type('n2')).toMatchObject({ type: 'trigger.webhook', config: { path: 'user-segmentation-workflow' } });
    expect(type('n8')).toMatchObject({ type: 'http.request', config: { method: 'POST' } });
    expect(type('n4')).toMatchObject({ type: 'router', config: { subject: 'input.type' } });
    expect(type('n10')).toMatchObject({ type: 'router', config: { subject: 'input.confidence' } });
    expect(type('n3')).toMatchObject({ type: 'placeholder', config: { hint: 'Parse user properties' } });
    // Router edges keep their labels; the shorthand is the condition.
    expect(scenario.edges.filter((e) => e.from === 'n10').map((e) => e.label)).toEqual(['> 0.7', '<= 0.7']);
    expect(notes.find((n) => n.path === 'nodes[3].config.subject')?.message).toMatch(/input\.type/);
    expect(notes.find((n) => n.path === 'nodes[7].config.url')?.message).toMatch(/URL/);
  });

  it('lays nodes out left to right with each group kept together', async () => {
    const { scenario } = await importDiagram(seed('002'));
    const pos = (id: string) => scenario.nodes.find((n) => n.id === id)!.position!;
    expect(pos('n1').x).toBeLessThan(pos('n2').x);
    expect(pos('n2').x).toBeLessThan(pos('n3').x);
    const boxes = new Map<string, { minX: number; maxX: number }>();
    for (const node of scenario.nodes) {
      const box = boxes.get(node.group!) ?? { minX: Infinity, maxX: -Infinity };
      box.minX = Math.min(box.minX, node.position!.x);
      box.maxX = Math.max(box.maxX, node.position!.x);
      boxes.set(node.group!, box);
    }
    // The three groups follow each other without overlapping.
    expect(boxes.get('MakeScenario')!.maxX).toBeLessThan(boxes.get('MLModel')!.minX);
    expect(boxes.get('MLModel')!.maxX).toBeLessThan(boxes.get('ContentDelivery')!.minX);
  });

  it('validates once its placeholders are configured and the request has a URL', async () => {
    const { scenario } = await importDiagram(seed('002'));
    const raw = validateScenario(scenario, registry);
    expect(raw.ok).toBe(false);
    const result = validateScenario(configurePlaceholders(scenario), registry);
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('round-trips through exportDiagram', async () => {
    const first = await importDiagram(seed('002'));
    const text = exportDiagram(first.scenario);
    expect(text).toContain('n5.handle(bottom) -> MLModel.n8.handle(top) [label="Predict"]');
    const second = await importDiagram(text);
    expect(drawing(second.scenario)).toEqual(drawing(first.scenario));
  });
});

describe('text diagram triggers', () => {
  it('leads the start circle into a manual trigger when nothing after it watches or receives', async () => {
    const { scenario, notes } = await importDiagram('Nightly\nG {\ns: circle label:"Start"\na: rectangle label:"Load orders"\ne: circle label:"End"\ns.handle(right) -> a.handle(left)\na -> e\n}');
    expect(scenario.nodes.map((n) => `${n.id}:${n.type}`)).toEqual(['s:start', 'trigger:trigger.manual', 'a:placeholder', 'e:end']);
    expect(scenario.edges.map((e) => `${e.from}->${e.to}`)).toEqual(['s->trigger', 'trigger->a', 'a->e']);
    expect(notes.some((n) => /manual trigger "trigger"/.test(n.message))).toBe(true);
    const result = validateScenario(configurePlaceholders(scenario), registry);
    expect(result.ok).toBe(true);
    // The explicit type survives the round trip, so no second trigger appears.
    const again = await importDiagram(exportDiagram(scenario));
    expect(drawing(again.scenario).nodes).toEqual(drawing(scenario).nodes);
  });

  it('makes a "receive" step after the start circle the webhook trigger', async () => {
    const { scenario } = await importDiagram('Orders\nG {\ns: circle label:"Start"\nr: rectangle label:"Receive order webhook"\ns -> r\n}');
    expect(scenario.nodes.map((n) => n.type)).toEqual(['start', 'trigger.webhook']);
  });

  it('adds a manual trigger before the first nodes of a diagram with no start circle', async () => {
    const { scenario } = await importDiagram('Loose\na: rectangle label:"A"\nb: rectangle label:"B"\na -> b');
    expect(scenario.nodes[0]).toMatchObject({ id: 'trigger', type: 'trigger.manual' });
    expect(scenario.edges).toContainEqual({ from: 'trigger', to: 'a' });
    expect(validateScenario(configurePlaceholders(scenario), registry).ok).toBe(true);
  });

  it('guesses router subjects from diamond labels', () => {
    expect(guessRouterSubject('Event type?')).toBe('input.type');
    expect(guessRouterSubject('Confidence score?')).toBe('input.confidence');
    expect(guessRouterSubject('Channel preference?')).toBe('input.channel');
    expect(guessRouterSubject('Order total?')).toBe('input.orderTotal');
  });
});

describe('text diagram syntax errors', () => {
  const failure = (text: string) => {
    try {
      parseDiagram(text);
    } catch (error) {
      return error as ImportError;
    }
    throw new Error('expected a syntax error');
  };

  it.each([
    ['T\nG {\nn1: hexagon label:"x"\n}', 3, 5, /Unknown shape "hexagon"/],
    ['T\nG {\nn1: circle label:"x\n}', 3, 18, /Unterminated string/],
    ['T\nG {\nn1: circle\nn1 -> n9\n}', 4, 7, /Unknown node "n9"/],
    ['T\nG {\nn1: circle\n}\nH {\nn2: circle\nn2 -> G.n3\n}', 7, 7, /Unknown node "n3"/],
    ['T\nG {\nn1: circle\nn2: circle\nn1 -> H.n2\n}\nH {\n}', 5, 7, /not in group "H"/],
    ['T\nG {\nn1: circle\n', 2, 1, /never closed/],
    ['T\nG {\nn1: circle\nn1.handle(right -> n1\n}', 4, 17, /Expected "\)"/],
    ['T\nG {\nn1: circle\nn1: diamond\n}', 4, 1, /declared twice/],
    ['T\nG {\nn1: circle colour:"red"\n}', 3, 12, /Unknown node attribute "colour"/],
    ['T\nG {\nwhat is this\n}', 3, 6, /Expected "->"/],
  ])('%j fails at the right line and column', (text, line, column, message) => {
    const error = failure(text);
    expect(error).toBeInstanceOf(ImportError);
    expect(error.message).toMatch(message);
    expect({ line: error.line, column: error.column }).toEqual({ line, column });
    expect(error.message).toMatch(new RegExp(`^line ${line}, column ${column}: `));
  });
});

describe('text that is not a diagram', () => {
  const refusal = async (text: string) => (await importDiagram(text).then(() => undefined, (error: unknown) => error)) as ImportError;

  it('refuses prose instead of importing a lone manual trigger, saying what it found and what it expected', async () => {
    const error = await refusal('Dear team,\nplease review the Q3 segmentation numbers before Friday.\n\nThanks, Ana\n');
    expect(error).toBeInstanceOf(ImportError);
    expect(error.message).toBe(
      'Nothing to import: found 3 lines of prose (starting "Dear team,") and no diagram node; expected a Switchyard scenario or a Make blueprint (JSON), ' +
        'a workflow record ("_kind": "Workflow"), or a text diagram with node lines such as n1: circle label:"Start"',
    );
  });

  it('names groups without nodes, blank text, and the line of a node whose shape it does not know', async () => {
    expect((await refusal('Empty\nG { # Nothing yet\n}\n')).message).toMatch(/^Nothing to import: found group "G" with no node in it; expected /);
    expect((await refusal('\n  \n')).message).toMatch(/^Nothing to import: found only blank lines; expected /);
    const shape = await refusal('Orders\nn1: square label:"Receive order"\n');
    expect({ line: shape.line, column: shape.column, message: shape.message }).toEqual({
      line: 2,
      column: 5,
      message: 'line 2, column 5: Unknown shape "square" (expected circle, rectangle, diamond)',
    });
  });

  it('still imports a diagram of a single node, and prose around a diagram stays its description', async () => {
    expect((await importDiagram('a: rectangle label:"A"')).scenario.nodes.map((n) => n.id)).toEqual(['trigger', 'a']);
    const { scenario } = await importDiagram('Orders\nSome words first.\nG {\ns: circle label:"Start"\n}\nSome words after.');
    expect(scenario.description).toBe('Some words first.\nSome words after.');
  });
});

describe('text diagram export refusals', () => {
  const base: Scenario = {
    format: 'switchyard/scenario@1',
    id: 'x',
    name: 'X',
    nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'ok', type: 'transform', config: { expression: '1' } }],
    edges: [{ from: 't', to: 'ok' }],
  };
  const refusal = (scenario: Scenario) => {
    try {
      exportDiagram(scenario);
    } catch (error) {
      return error as DiagramExportError;
    }
    throw new Error('expected the export to refuse');
  };

  it.each([
    [{ ...base, nodes: [base.nodes[0], { id: 'sc.ore', type: 'transform' }], edges: [{ from: 't', to: 'sc.ore' }] }, 'nodes[1].id', 'Node id "sc.ore"'],
    [{ ...base, groups: [{ id: 'ok' }, { id: '9lives' }] }, 'groups[1].id', 'Group id "9lives"'],
    [{ ...base, edges: [{ from: 't', to: 'ok', toHandle: 'in put' }] }, 'edges[0].toHandle', 'Handle of the edge t → ok "in put"'],
  ] as Array<[Scenario, string, string]>)('names what the notation cannot write, at its path (%#)', (scenario, path, what) => {
    const error = refusal(scenario);
    expect(error).toBeInstanceOf(DiagramExportError);
    expect(error.path).toBe(path);
    expect(error.message).toMatch(new RegExp(`^${path.replace(/[.[\]]/g, '\\$&')}: ${what} cannot be written in the diagram notation: use letters, digits, _ and - only`));
  });
});

describe('text diagram round trip (property)', () => {
  const ident = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/);
  const label = fc.string({ maxLength: 20 }).filter((s) => !s.includes('\r'));
  const side = fc.constantFrom('left', 'right', 'top', 'bottom', undefined);
  const diagram = fc
    .record({
      groupNames: fc.uniqueArray(fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,6}$/), { maxLength: 3 }),
      groupLabels: fc.array(fc.stringMatching(/^[A-Za-z0-9 .]{0,12}$/), { minLength: 3, maxLength: 3 }),
      nodes: fc.uniqueArray(
        fc.record({ id: ident, shape: fc.constantFrom('circle', 'rectangle', 'diamond'), label: fc.option(label, { nil: undefined }), group: fc.nat(3) }),
        { minLength: 1, maxLength: 12, selector: (n) => n.id },
      ),
      edges: fc.array(fc.record({ from: fc.nat(), to: fc.nat(), fromHandle: side, toHandle: side, label: fc.option(label, { nil: undefined }) }), { maxLength: 16 }),
      name: fc.stringMatching(/^[A-Z][a-z]{1,10}( [a-z]{1,8}){0,3}$/),
      description: fc.array(fc.stringMatching(/^[a-z]{1,8}( [a-z]{1,8}){0,5}\.$/), { maxLength: 3 }),
    })
    .map(({ groupNames, groupLabels, nodes, edges, name, description }) => {
      const lines = [name, ...description];
      const groupOf = (g: number) => (g < groupNames.length ? groupNames[g] : undefined);
      const nodeLine = (n: (typeof nodes)[number]) => `${n.id}: ${n.shape}${n.label !== undefined ? ` label:${JSON.stringify(n.label)}` : ''}`;
      const edgeLine = (e: (typeof edges)[number]) => {
        const from = nodes[e.from % nodes.length];
        const to = nodes[e.to % nodes.length];
        const target = groupOf(to.group) && groupOf(to.group) !== groupOf(from.group) ? `${groupOf(to.group)}.${to.id}` : to.id;
        const h = (s: string | undefined) => (s ? `.handle(${s})` : '');
        return { group: groupOf(from.group), line: `${from.id}${h(e.fromHandle)} -> ${target}${h(e.toHandle)}${e.label !== undefined ? ` [label=${JSON.stringify(e.label)}]` : ''}` };
      };
      const edgeLines = edges.map(edgeLine);
      groupNames.forEach((g, i) => {
        lines.push(`${g} {${groupLabels[i] ? ` # ${groupLabels[i]}` : ''}`);
        lines.push(...nodes.filter((n) => groupOf(n.group) === g).map(nodeLine));
        lines.push(...edgeLines.filter((e) => e.group === g).map((e) => e.line), '}');
      });
      lines.push(...nodes.filter((n) => !groupOf(n.group)).map(nodeLine), ...edgeLines.filter((e) => !e.group).map((e) => e.line));
      return lines.join('\n');
    });

  it('importing an export gives the same nodes, groups, edges, labels and sides', async () => {
    await fc.assert(
      fc.asyncProperty(diagram, async (text) => {
        const first = await importDiagram(text);
        const second = await importDiagram(exportDiagram(first.scenario));
        expect(drawing(second.scenario)).toEqual(drawing(first.scenario));
      }),
      { numRuns: 25 },
    );
  });
});
