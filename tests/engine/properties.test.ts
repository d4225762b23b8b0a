/**
 * Property tests: random invalid documents are refused with a JSON path and
 * never crash the validator; random valid DAGs run to completion with every
 * reachable node executing once per arriving bundle, and both drivers
 * produce the same run records.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, type NodeRegistry } from '../../nodes';
import { validateScenario } from '../../engine/scenario/validate';
import type { Scenario } from '../../engine/scenario/schema';
import { createHarness, type Harness } from '../support/engine-harness';
import type { RunRecord } from '../../engine/runtime/types';

let registry: NodeRegistry;
beforeAll(async () => {
  registry = await createRegistry();
});

const valid: Scenario = {
  format: 'switchyard/scenario@1',
  id: 'base',
  name: 'Base',
  nodes: [
    { id: 't', type: 'trigger.manual' },
    { id: 'a', type: 'transform', config: { expression: 'input' } },
    { id: 'r', type: 'router', config: { subject: 'input.x' } },
  ],
  edges: [{ from: 't', to: 'a' }, { from: 'a', to: 'r' }],
} as Scenario;

/** Breaks a valid document in one of the ways users do. */
const broken = fc.oneof(
  fc.anything(),
  fc.record({ format: fc.string(), id: fc.anything(), nodes: fc.anything() }),
  fc.constantFrom<Array<(d: any) => void>>(
    [(d) => (d.nodes[1].type = 'no.such.type')],
    [(d) => (d.nodes[1].config = { expression: 'input +' })],
    [(d) => d.edges.push({ from: 'a', to: 'ghost' })],
    [(d) => d.nodes.push({ ...d.nodes[1] })],
    [(d) => d.edges.push({ from: 'r', to: 'a', label: 'x' })],
    [(d) => d.nodes.push({ id: 't2', type: 'trigger.manual' })],
    [(d) => (d.nodes[0].type = 'transform'), (d) => (d.nodes[0].config = { expression: '1' })],
    [(d) => (d.nodes[2].config = { subject: 42 })],
    [(d) => (d.edges[0].when = '$$$(')],
    [(d) => delete d.name],
    [(d) => (d.nodes = 'nope')],
  ).map((mutations) => {
    const doc = structuredClone(valid) as any;
    for (const m of mutations) m(doc);
    return doc;
  }),
  fc.record({ key: fc.constantFrom('__proto__', 'constructor', 'prototype'), value: fc.anything() }).map(({ key, value }) => {
    const doc = structuredClone(valid) as any;
    doc.nodes[1].config = JSON.parse(`{"${key}": ${JSON.stringify(value ?? null) ?? 'null'}, "expression": 7}`);
    return doc;
  }),
);

describe('validation of random invalid documents', () => {
  it('refuses each with problems that carry a JSON path, and never throws', () => {
    fc.assert(
      fc.property(broken, (doc) => {
        const result = validateScenario(doc, registry);
        expect(result.ok).toBe(false);
        const errors = result.problems.filter((p) => p.severity === 'error');
        expect(errors.length).toBeGreaterThan(0);
        for (const problem of errors) {
          expect(typeof problem.path).toBe('string');
          expect(problem.message.length).toBeGreaterThan(0);
        }
        expect(({} as any).polluted).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });
});

/** A random DAG of transform/router/iterator nodes over numbers, plus what a reference reading of DESIGN.md expects. */
interface Dag {
  doc: Scenario;
  input: number;
}

const dagArbitrary = fc
  .record({
    size: fc.integer({ min: 2, max: 9 }),
    kinds: fc.array(fc.constantFrom('transform', 'router-first', 'router-all', 'iterator'), { minLength: 9, maxLength: 9 }),
    extra: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('> 5', '<= 5', '>= 3', 'else', '7', '!= 4', '')), { maxLength: 12 }),
    parents: fc.array(fc.nat(), { minLength: 9, maxLength: 9 }),
    input: fc.integer({ min: 0, max: 10 }),
  })
  .map(({ size, kinds, extra, parents, input }): Dag => {
    const nodes: any[] = [{ id: 't', type: 'trigger.manual' }];
    const ids = ['t'];
    for (let i = 1; i <= size; i++) {
      const id = `n${i}`;
      const kind = kinds[i - 1];
      if (kind === 'transform') nodes.push({ id, type: 'transform', config: { expression: `input + ${i}` } });
      else if (kind === 'iterator') nodes.push({ id, type: 'iterator', config: { items: '[input, input + 1]' } });
      else nodes.push({ id, type: 'router', config: { subject: 'input % 10', mode: kind === 'router-all' ? 'all' : 'first' } });
      ids.push(id);
    }
    const edges: any[] = [];
    const seen = new Set<string>();
    const addEdge = (from: number, to: number, label: string) => {
      const key = `${from}-${to}`;
      if (seen.has(key) || from >= to) return;
      seen.add(key);
      const source = nodes[from];
      const edge: any = { from: ids[from], to: ids[to] };
      if (source.type === 'router') edge.label = label || 'else';
      edges.push(edge);
    };
    // Every node gets a parent before it, so all are reachable from the trigger (routing may still skip them).
    for (let i = 1; i <= size; i++) addEdge(parents[i - 1] % i, i, '> 5');
    for (const [a, b, label] of extra) addEdge(a % (size + 1), b % (size + 1), label);
    return { doc: { format: 'switchyard/scenario@1', id: 'dag', name: 'dag', nodes, edges } as Scenario, input };
  });

/** Expected executions per node, by a direct reading of the routing rules (the oracle). */
function expectedCounts(doc: Scenario, input: number): Map<string, number> {
  const counts = new Map<string, number>();
  const out = (id: string) => doc.edges.filter((e) => e.from === id);
  const test = (label: string, value: number): boolean | 'else' => {
    const l = label.trim();
    if (l === 'else') return 'else';
    const m = /^(<=|>=|!=|<|>|=)?\s*(.+)$/.exec(l)!;
    const rhs = Number(m[2]);
    switch (m[1]) {
      case '>': return value > rhs;
      case '<': return value < rhs;
      case '>=': return value >= rhs;
      case '<=': return value <= rhs;
      case '!=': return value !== rhs;
      default: return value === rhs;
    }
  };
  const visit = (id: string, bundle: number) => {
    counts.set(id, (counts.get(id) ?? 0) + 1);
    const node = doc.nodes.find((n) => n.id === id)!;
    const config = (node.config ?? {}) as any;
    if (node.type === 'aggregator' || node.type === 'merge') return; // barriers: counted on arrival, fired by the engine
    if (node.type === 'trigger.manual') return out(id).forEach((e) => visit(e.to, bundle));
    if (node.type === 'transform') return out(id).forEach((e) => visit(e.to, bundle + Number(id.slice(1))));
    if (node.type === 'iterator') return [bundle, bundle + 1].forEach((b) => out(id).forEach((e) => visit(e.to, b)));
    const value = bundle % 10;
    let matched = false;
    for (const e of out(id)) {
      const r = test(e.label!, value);
      if (r === 'else' || !r || (config.mode === 'first' && matched)) continue;
      matched = true;
      visit(e.to, bundle);
    }
    if (!matched) out(id).filter((e) => e.label!.trim() === 'else').forEach((e) => visit(e.to, bundle));
  };
  visit('t', input);
  return counts;
}

function comparable(record: RunRecord) {
  return record.steps.map((s) => ({ id: s.id, nodeId: s.nodeId, status: s.status, input: s.input, output: s.output }));
}

describe('random valid DAGs on both drivers', () => {
  let memory: Harness;
  let bullmq: Harness;
  beforeAll(async () => {
    memory = await createHarness('memory');
    bullmq = await createHarness('bullmq');
  });
  afterAll(async () => {
    await memory.close();
    await bullmq.close();
  });

  it('run to completion, each node once per arriving bundle, with identical records', async () => {
    const memoryEngine = await memory.engine([]);
    const bullmqEngine = await bullmq.engine([]);
    let version = 0;
    await fc.assert(
      fc.asyncProperty(dagArbitrary, async ({ doc, input }) => {
        expect(validateScenario(doc, registry).problems.filter((p) => p.severity === 'error')).toEqual([]);
        version++;
        const records: RunRecord[] = [];
        for (const [harness, engine] of [[memory, memoryEngine], [bullmq, bullmqEngine]] as const) {
          void harness;
          (engine as any).options.scenarios.put(doc, version);
          const runId = await engine.startRun({ scenarioId: doc.id, version, input });
          records.push((await engine.waitForRun(runId, 20_000, { untilFinal: true }))!);
        }
        for (const record of records) expect(record.status).toBe('succeeded');
        const actual = new Map<string, number>();
        for (const step of records[0].steps) actual.set(step.nodeId, (actual.get(step.nodeId) ?? 0) + 1);
        expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expectedCounts(doc, input)));
        expect(comparable(records[1])).toEqual(comparable(records[0]));
      }),
      { numRuns: 40 },
    );
  });

  // Same harnesses: an iterator/aggregator pair and a merge wrapped around random DAGs.
  describe('wrapped in an iterator/aggregator pair and a merge', () => {
    it('aggregate every bundle of the iteration once, merge once, identically on both drivers', async () => {
      const engines = [await memory.engine([]), await bullmq.engine([])];
      let version = 0;
      const withoutIterators = dagArbitrary.filter(({ doc }) => !doc.nodes.some((n) => n.type === 'iterator'));
      await fc.assert(
        fc.asyncProperty(withoutIterators, async ({ doc, input }) => {
          // t → it → (the DAG, rooted at n1) → leaves → agg → m ← side ← t
          const inner = doc.nodes.filter((n) => n.id !== 't');
          const innerEdges = doc.edges.filter((e) => e.from !== 't');
          const roots = doc.edges.filter((e) => e.from === 't').map((e) => e.to);
          const leaves = inner.filter((n) => !innerEdges.some((e) => e.from === n.id)).map((n) => n.id);
          const wrapped = {
            ...doc,
            id: 'wrapped',
            nodes: [
              { id: 't', type: 'trigger.manual' },
              { id: 'it', type: 'iterator', config: { items: '[input, input + 1, input + 2]' } },
              ...inner,
              { id: 'agg', type: 'aggregator', config: { iterator: 'it' } },
              { id: 'side', type: 'transform', config: { expression: '"side"' } },
              { id: 'm', type: 'merge' },
            ],
            edges: [
              { from: 't', to: 'it' },
              ...roots.map((to) => ({ from: 'it', to })),
              ...innerEdges,
              ...leaves.map((from) => ({ from, to: 'agg', ...(inner.find((n) => n.id === from)!.type === 'router' ? { label: 'else' } : {}) })),
              { from: 't', to: 'side' },
              { from: 'agg', to: 'm' },
              { from: 'side', to: 'm' },
            ],
          } as Scenario;
          expect(validateScenario(wrapped, registry).problems.filter((p) => p.severity === 'error')).toEqual([]);
          // Bundles reaching `agg`: for each item, what reaches the leaves, by the oracle, plus routers' else edges.
          let arrivals = 0;
          for (const item of [input, input + 1, input + 2]) {
            const counts = expectedCounts({ ...wrapped, nodes: [{ id: 't', type: 'trigger.manual' } as any, ...wrapped.nodes.filter((n) => n.id !== 't')], edges: [...roots.map((to) => ({ from: 't', to })), ...wrapped.edges.filter((e) => e.from !== 't' && e.from !== 'it')] } as Scenario, item);
            arrivals += counts.get('agg') ?? 0;
          }
          version++;
          const records: RunRecord[] = [];
          for (const engine of engines) {
            (engine as any).options.scenarios.put(wrapped, version);
            const runId = await engine.startRun({ scenarioId: 'wrapped', version, input });
            records.push((await engine.waitForRun(runId, 20_000, { untilFinal: true }))!);
          }
          for (const record of records) {
            expect(record.status).toBe('succeeded');
            const agg = record.steps.filter((s) => s.nodeId === 'agg');
            const merge = record.steps.filter((s) => s.nodeId === 'm');
            expect(merge).toHaveLength(1);
            expect(agg).toHaveLength(arrivals > 0 ? 1 : 0);
            if (arrivals > 0) expect((agg[0].output as { items: unknown[] }).items).toHaveLength(arrivals);
            expect(Object.keys((merge[0].output as { inputs: object }).inputs).sort()).toEqual(arrivals > 0 ? ['agg', 'side'] : ['side']);
          }
          expect(comparable(records[1])).toEqual(comparable(records[0]));
        }),
        { numRuns: 30 },
      );
    });
  });
});
