import { beforeAll, describe, expect, it } from 'vitest';
import { Expression } from '../../engine/expression/expression';
import { Template } from '../../engine/expression/template';
import { importBlueprint } from '../../engine/import/make/blueprint';
import type { Scenario } from '../../engine/scenario/schema';
import { validateScenario } from '../../engine/scenario/validate';
import { createRegistry, type NodeRegistry } from '../../nodes';
import { blueprint, blueprintFiles, configurePlaceholders } from './support';

let registry: NodeRegistry;
beforeAll(async () => {
  registry = await createRegistry();
});

const load = async (file: string) => importBlueprint(JSON.parse(blueprint(file)), { filename: file });

/** The edges out of `from` whose `when` holds for a run whose steps produced `outputs`. */
async function routesTaken(scenario: Scenario, from: string, outputs: Record<string, unknown>, trigger: unknown) {
  const steps = Object.fromEntries(Object.entries(outputs).map(([id, output]) => [id, { output }]));
  const taken: string[] = [];
  for (const edge of scenario.edges.filter((e) => e.from === from)) {
    const value = edge.when === undefined ? true : await new Expression(edge.when).evaluate({ input: outputs[from], trigger, steps, vars: {} });
    if (value === true) taken.push(edge.to);
  }
  return taken;
}

describe('Make blueprint fixtures', () => {
  it.each(blueprintFiles())('%s imports and validates except for placeholders that need configuring', async (file) => {
    const { scenario } = await load(file);
    const result = validateScenario(scenario, registry);
    expect(result.scenario).toBeDefined();
    const placeholders = new Set(scenario.nodes.filter((n) => n.type === 'placeholder').map((n) => n.id));
    const errors = result.problems.filter((p) => p.severity === 'error');
    for (const problem of errors) {
      expect(problem.message).toMatch(/^Needs configuring/);
      expect(placeholders.has(problem.nodeId!)).toBe(true);
    }
    expect(errors).toHaveLength(placeholders.size);
    expect(validateScenario(configurePlaceholders(scenario), registry).ok).toBe(true);
  });

  it('keeps module ids as node ids, designer positions, and the blueprint name', async () => {
    const { scenario } = await load('webhook-router-error-handler.json');
    expect(scenario.name).toBe('Lead intake — webhook, router, HTTP');
    expect(scenario.id).toBe('lead-intake-webhook-router-http');
    expect(scenario.nodes.map((n) => [n.id, n.type, n.position])).toEqual([
      ['m1', 'trigger.webhook', { x: 0, y: 150 }],
      ['m2', 'router', { x: 300, y: 150 }],
      ['m3', 'http.request', { x: 600, y: 0 }],
      ['m4', 'transform', { x: 600, y: 300 }],
    ]);
    // The Ignore directive became onError, not a node.
    expect(scenario.nodes.find((n) => n.id === 'm3')!.onError).toBe('ignore');
  });

  it('lead intake routes a hot lead down both routes and a cold lead only to the variable', async () => {
    const { scenario } = await load('webhook-router-error-handler.json');
    const configured = configurePlaceholders(scenario);
    expect(configured.nodes.find((n) => n.id === 'm2')!.config).toMatchObject({ mode: 'all' });
    const hot = { email: 'ada@example.com', name: 'Ada', score: 80 };
    const cold = { email: 'bob@example.com', name: 'Bob', score: '20' };
    expect(await routesTaken(configured, 'm2', { m1: hot, m2: hot }, hot)).toEqual(['m3', 'm4']);
    expect(await routesTaken(configured, 'm2', { m1: cold, m2: cold }, cold)).toEqual(['m4']);
    // The hot-lead body is built from the webhook bundle, with the score kept a number.
    const body = await new Expression(configured.nodes.find((n) => n.id === 'm3')!.config!.body as string).evaluate({ steps: { m1: { output: hot } } });
    expect(body).toMatchObject({ email: 'ada@example.com', name: 'Ada', score: 80 });
    expect((body as { received: string }).received).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
  });

  it('a filter on a module gates the edge into it', async () => {
    const { scenario } = await load('scheduled-http-poll.json');
    expect(scenario.nodes[0]).toMatchObject({ type: 'trigger.manual' });
    const degraded = { body: { status: 'degraded' } };
    expect(await routesTaken(scenario, 'm1', { m1: degraded }, {})).toEqual(['m2']);
    expect(await routesTaken(scenario, 'm1', { m1: { body: { status: 'ok' } } }, {})).toEqual([]);
  });

  it('if-else becomes a first-match router, merge a merge whose outputs the next module reads', async () => {
    const { scenario } = await load('if-else-merge.json');
    expect(scenario.nodes.find((n) => n.id === 'm2')).toMatchObject({ type: 'router', config: { mode: 'first' } });
    expect(scenario.nodes.find((n) => n.id === 'm5')!.type).toBe('merge');
    expect(scenario.edges.filter((e) => e.to === 'm5').map((e) => e.from)).toEqual(['m3', 'm4']);
    const order = { orderId: 'A1', priority: 'high' };
    expect(await routesTaken(scenario, 'm2', { m1: order }, order)).toEqual(['m3', 'm4']); // m4 is the else edge
    expect(scenario.edges.find((e) => e.to === 'm4')!.label).toBe('else');
    const expedited = await new Expression(scenario.nodes.find((n) => n.id === 'm3')!.config!.expression as string).evaluate({ steps: { m1: { output: order } } });
    expect(expedited).toEqual({ value: 'Expedited: order A1 ships today' });
    const body = await new Expression(scenario.nodes.find((n) => n.id === 'm6')!.config!.body as string).evaluate({
      steps: { m1: { output: order }, m4: { output: { value: 'Standard: order A1 ships within 5 days' } } },
    });
    expect(body).toEqual({ orderId: 'A1', message: 'Standard: order A1 ships within 5 days' });
  });

  it('iterator and aggregator pair up, and join(map(…)) reads the aggregated items', async () => {
    const { scenario } = await load('iterator-aggregator.json');
    const node = (id: string) => scenario.nodes.find((n) => n.id === id)!;
    expect(node('m2')).toMatchObject({ type: 'iterator', config: { items: 'steps.m1.output.items' } });
    expect(node('m4')).toMatchObject({ type: 'aggregator', config: { iterator: 'm2' } });
    const line = await new Expression(node('m3').config!.expression as string).evaluate({ steps: { m2: { output: { name: 'Mug', qty: 2 } } } });
    expect(line).toEqual({ value: 'Mug × 2' });
    const kept = await new Expression(node('m4').config!.value as string).evaluate({ input: { value: 'Mug × 2' } });
    expect(kept).toEqual({ line: 'Mug × 2' });
    const body = await new Expression(node('m5').config!.body as string).evaluate({ steps: { m4: { output: { items: [{ line: 'Mug × 2' }, { line: 'Tea × 1' }] } } } });
    expect(body).toEqual({ summary: 'Mug × 2, Tea × 1' });
  });
});

describe('Make blueprints beyond the fixtures', () => {
  const module = (id: number, name: string, extra: Record<string, unknown> = {}) => ({ id, module: name, version: 1, mapper: {}, ...extra });

  it('keeps unknown modules as placeholders with their module and mapper, and lays out when positions are missing', async () => {
    const { scenario, notes } = await importBlueprint({
      name: 'Sheets',
      flow: [module(1, 'gateway:CustomWebHook'), module(2, 'google-sheets:addRow', { mapper: { values: { 0: '{{1.email}}' } }, parameters: { __IMTCONN__: 7 } })],
    });
    expect(scenario.nodes[1]).toMatchObject({ id: 'm2', type: 'placeholder', config: { module: 'google-sheets:addRow', mapper: { values: { 0: '{{1.email}}' } } } });
    expect(scenario.nodes.every((n) => n.position)).toBe(true);
    expect(notes.some((n) => n.path === 'nodes[1]' && /google-sheets:addRow/.test(n.message))).toBe(true);
  });

  it('survives missing fields', async () => {
    const { scenario } = await importBlueprint({ flow: [{ module: 'http:ActionSendData' }, null, { id: 'x' }] }, { filename: 'odd blueprint.json' });
    expect(scenario.id).toBe('odd-blueprint');
    expect(scenario.nodes.map((n) => n.type)).toEqual(['trigger.manual', 'http.request', 'placeholder']);
    await expect(importBlueprint({ name: 'No flow' })).rejects.toThrow(/"flow"/);
  });

  it('maps error handler directives to onError, retries and resume output', async () => {
    const { scenario, notes } = await importBlueprint({
      flow: [
        module(1, 'gateway:CustomWebHook'),
        module(2, 'http:ActionSendData', { mapper: { url: 'https://a.example.com', method: 'post' }, onerror: [module(9, 'builtin:Break', { mapper: { retry: true, count: 3, interval: 2 } })] }),
        module(3, 'http:ActionSendData', { mapper: { url: 'https://b.example.com' }, onerror: [module(10, 'builtin:Resume', { mapper: { status: 'fallback' } })] }),
        module(4, 'http:ActionSendData', { mapper: { url: 'https://c.example.com' }, onerror: [module(11, 'builtin:Rollback')] }),
        module(5, 'http:ActionSendData', { mapper: { url: 'https://d.example.com' }, onerror: [module(6, 'util:ComposeTransformer', { mapper: { value: 'failed' } }), module(12, 'builtin:Ignore')] }),
      ],
    });
    const node = (id: string) => scenario.nodes.find((n) => n.id === id)!;
    expect(node('m2')).toMatchObject({ onError: 'break', retry: { attempts: 4, delayMs: 120_000, backoff: 'fixed' } });
    expect(node('m3')).toMatchObject({ onError: 'resume', errorOutput: { status: 'fallback' } });
    expect(node('m4').onError).toBe('fail');
    expect(notes.some((n) => /Rollback/.test(n.message))).toBe(true);
    expect(node('m5').onError).toBe('ignore');
    expect(scenario.edges).toContainEqual({ from: 'm5', to: 'm6', fromHandle: 'error' });
    expect(scenario.nodes.some((n) => ['m9', 'm10', 'm11', 'm12'].includes(n.id))).toBe(false);
    expect(validateScenario(scenario, registry).ok).toBe(true);
  });

  it('translates Make filter operators to conditions that hold where Make\'s would', async () => {
    const cases: Array<[string, unknown, unknown, unknown, boolean]> = [
      ['text:equal', '{{1.v}}', 'Ok', 'Ok', true],
      ['text:equal:ci', '{{1.v}}', 'ok', 'OK', true],
      ['text:notequal', '{{1.v}}', 'ok', 'down', true],
      ['text:contains', '{{1.v}}', 'lead', 'hot lead', true],
      ['text:notcontains', '{{1.v}}', 'lead', 'hot lead', false],
      ['text:startswith', '{{1.v}}', 'ho', 'hot', true],
      ['text:endswith', '{{1.v}}', 'ot', 'hot', true],
      ['text:pattern', '{{1.v}}', '^h.t$', 'hot', true],
      ['number:greater', '{{1.v}}', '50', '51', true],
      ['number:less', '{{1.v}}', '50', 51, false],
      ['number:equal', '{{1.v}}', '7', 7, true],
      ['number:greaterorequal', '{{1.v}}', '7', 7, true],
      ['exist', '{{1.v}}', undefined, 'x', true],
      ['notexist', '{{1.v}}', undefined, undefined, true],
      ['boolean:equal', '{{1.v}}', 'true', true, true],
      ['date:greater', '{{1.v}}', '2024-01-01T00:00:00Z', '2024-06-01T00:00:00Z', true],
      ['date:less', '{{1.v}}', '2024-01-01T00:00:00Z', '2024-06-01T00:00:00Z', false],
      ['array:contain', '{{1.v}}', 'b', ['a', 'b'], true],
    ];
    for (const [o, a, b, v, expected] of cases) {
      const { scenario } = await importBlueprint({ flow: [module(1, 'gateway:CustomWebHook'), module(2, 'util:ComposeTransformer', { filter: { name: o, conditions: [[{ a, o, b }]] } })] });
      const when = scenario.edges[0].when!;
      const result = await new Expression(when).evaluate({ steps: { m1: { output: { v } } } });
      expect({ o, result: result === true }).toEqual({ o, result: expected });
    }
  });

  it('combines OR groups of AND conditions', async () => {
    const { scenario } = await importBlueprint({
      flow: [
        module(1, 'gateway:CustomWebHook'),
        module(2, 'util:ComposeTransformer', {
          filter: { conditions: [[{ a: '{{1.a}}', o: 'number:greater', b: '1' }, { a: '{{1.b}}', o: 'text:equal', b: 'x' }], [{ a: '{{1.c}}', o: 'exist' }]] },
        }),
      ],
    });
    const holds = async (output: unknown) => (await new Expression(scenario.edges[0].when!).evaluate({ steps: { m1: { output } } })) === true;
    expect(await holds({ a: 2, b: 'x' })).toBe(true);
    expect(await holds({ a: 2, b: 'y' })).toBe(false);
    expect(await holds({ a: 0, c: 1 })).toBe(true);
  });

  it('translates Make functions and flags the ones with no JSONata equivalent', async () => {
    const formulas: Array<[string, unknown, unknown]> = [
      ['{{upper(1.name)}}', { name: 'ada' }, 'ADA'],
      ['{{lower(trim(1.name))}}', { name: '  ADA ' }, 'ada'],
      ['{{length(1.tags)}}', { tags: ['a', 'b'] }, 2],
      ['{{length(1.name)}}', { name: 'abc' }, 3],
      ['{{join(1.tags; "|")}}', { tags: ['a', 'b'] }, 'a|b'],
      ['{{if(1.n > 2; "big"; "small")}}', { n: 3 }, 'big'],
      ['{{ifempty(1.nick; 1.name)}}', { name: 'Ada', nick: '' }, 'Ada'],
      ['{{get(1.items; "1.sku")}}', { items: [{ sku: 'S1' }] }, 'S1'],
      ['{{1.items[2].sku}}', { items: [{ sku: 'S1' }, { sku: 'S2' }] }, 'S2'],
      ['{{parseNumber(1.amount; ",")}}', { amount: '1.234,5' }, 1234.5],
      ['{{toString(1.n)}}', { n: 5 }, '5'],
      ['{{sum(1.values)}}', { values: [1, 2, 3] }, 6],
      ['{{formatDate(1.at; "YYYY-MM-DD")}}', { at: '2024-03-05T10:00:00Z' }, '2024-03-05'],
      ['{{formatDate(1.at; "X")}}', { at: '2024-03-05T10:00:00Z' }, 1709632800],
      ['{{addDays(1.at; 1)}}', { at: '2024-03-05T10:00:00.000Z' }, '2024-03-06T10:00:00.000Z'],
      ['{{replace(1.s; "a"; "o")}}', { s: 'banana' }, 'bonono'],
      ['{{1.`first name`}}', { 'first name': 'Ada' }, 'Ada'],
      ['{{map(1.items; "sku")}}', { items: [{ sku: 'S1' }, { sku: 'S2' }] }, ['S1', 'S2']],
    ];
    for (const [value, output, expected] of formulas) {
      const { scenario } = await importBlueprint({ flow: [module(1, 'gateway:CustomWebHook'), module(2, 'util:SetVariable2', { mapper: { name: 'x', value } })] });
      const result = await new Expression(scenario.nodes[1].config!.expression as string).evaluate({ steps: { m1: { output } } });
      // JSON round trip: JSONata marks arrays it builds with extra properties; a step output is stored as JSON.
      expect({ value, result: JSON.parse(JSON.stringify(result)) }).toEqual({ value, result: { x: expected } });
    }
    const { scenario, notes } = await importBlueprint({ flow: [module(1, 'gateway:CustomWebHook'), module(2, 'util:SetVariable2', { mapper: { name: 'x', value: '{{md5(1.s)}}' } })] });
    expect(notes.some((n) => n.path === 'nodes[1]' && /md5\(\) has no JSONata equivalent/.test(n.message))).toBe(true);
    expect(validateScenario(scenario, registry).ok).toBe(true); // still valid JSONata, fails only when run
  });

  it('turns mapped URLs and headers into templates', async () => {
    const { scenario } = await importBlueprint({
      flow: [
        module(1, 'gateway:CustomWebHook'),
        module(2, 'http:ActionSendData', { mapper: { url: 'https://api.example.com/users/{{1.id}}', method: 'put', headers: [{ name: 'X-Trace', value: '{{1.trace}}' }], qs: [{ name: 'v', value: '2' }] } }),
      ],
    });
    const config = scenario.nodes[1].config as { url: string; method: string; headers: Record<string, string>; query: Record<string, string> };
    expect(config.method).toBe('PUT');
    expect(await new Template(config.url).render({ steps: { m1: { output: { id: 42 } } } })).toBe('https://api.example.com/users/42');
    expect(await new Template(config.headers['X-Trace']).render({ steps: { m1: { output: { trace: 't-1' } } } })).toBe('t-1');
    expect(config.query).toEqual({ v: '2' });
  });
});
