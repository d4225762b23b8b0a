/**
 * JSONata abuse is stopped by time, depth and size limits, with an error
 * that says which, and a runaway expression does not stall the process.
 */
import { describe, expect, it } from 'vitest';
import { Expression } from '../../engine/expression/expression';
import { Template } from '../../engine/expression/template';
import { createRegistry } from '../../nodes';
import { runScenarioOnce } from '../../engine/runtime/engine';
import { scenario } from '../support/engine-harness';

describe('expression limits', () => {
  it('stops unbounded recursion', async () => {
    const expr = new Expression('($f := function($x){ $f($x + 1) }; $f(0))', { timeoutMs: 500, maxDepth: 200, maxSequence: 1000 });
    await expect(expr.evaluate({})).rejects.toThrow(/nests deeper than 200 levels|took longer than 500 ms/);
  });

  it('refuses huge ranges and oversized sequences', async () => {
    await expect(new Expression('[1..100000000]').evaluate({})).rejects.toThrow(/range operator/);
    const big = new Expression('$count([1..50000].($ * 2))', { timeoutMs: 5000, maxDepth: 500, maxSequence: 10_000 });
    await expect(big.evaluate({})).rejects.toThrow(/too large a sequence/);
  });

  it('does not hold the event loop while a slow expression runs', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const slow = new Expression('($f := function($n){ $n <= 1 ? $n : $f($n - 1) + $f($n - 2) }; $f(40))', { timeoutMs: 400, maxDepth: 500, maxSequence: 1e6 });
    await expect(slow.evaluate({})).rejects.toThrow(/took longer than 400 ms|nests deeper/);
    clearInterval(timer);
    // Blocked, the interval could not have fired at all before the evaluation gave up.
    expect(ticks).toBeGreaterThan(3);
  });

  it('reads deeply nested input and __proto__ keys without harm', async () => {
    let deep: unknown = { leaf: 1 };
    for (let i = 0; i < 2000; i++) deep = { a: deep };
    expect(await new Expression('$exists(input.a.a.a)').evaluate({ input: deep })).toBe(true);
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}');
    const result = await new Template('{{ $merge([{}, input]) }}').render({ input: hostile });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(result).toBeTypeOf('object');
  });

  it('a runaway transform fails its run with the limit named, and the next run is unaffected', async () => {
    const registry = await createRegistry();
    const doc = scenario('runaway', [{ id: 't', type: 'trigger.manual' }, { id: 'x', type: 'transform', config: { expression: '($f := function($x){ $f($x + 1) }; $f(0))' } }], [{ from: 't', to: 'x' }]);
    const [bad, good] = await Promise.all([
      runScenarioOnce(doc, {}, { registry }),
      runScenarioOnce(scenario('fine', [{ id: 't', type: 'trigger.manual' }, { id: 'x', type: 'transform', config: { expression: 'input.n + 1' } }], [{ from: 't', to: 'x' }]), { n: 1 }, { registry }),
    ]);
    expect(bad.status).toBe('failed');
    expect(bad.error!.message).toMatch(/nests deeper|took longer/);
    expect(good.status).toBe('succeeded');
    expect(good.output).toBe(2);
  });
});
