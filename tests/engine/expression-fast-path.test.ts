/**
 * The expression fast path (`engine/expression/fast-path.ts`) must give
 * exactly JSONata's answer, or step aside: for random JSON scopes and random
 * paths and comparisons, `Expression.evaluate` — fast path included — agrees
 * with JSONata evaluating the same text, errors included.
 */
import fc from 'fast-check';
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { Expression } from '../../engine/expression/expression';
import { FALL_BACK, fastEvaluator } from '../../engine/expression/fast-path';
import { plainResult } from '../../engine/expression/plain-result';

const KEYS = ['input', 'steps', 'n14', 'output', 'a', 'b', 'constructor', 'toString', 'length', 'x y'];
const key = fc.constantFrom(...KEYS);
const name = key.map((k) => (/^[a-z]\w*$/i.test(k) ? k : `\`${k}\``));

/** JSON values whose objects draw their keys from the same few names, so paths often hit. */
const { json } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, 0.7, -3, 100, '', 'page', '0.7', 'b'),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string(),
    fc.array(tie('json'), { maxLength: 3 }),
    fc.dictionary(key, tie('json'), { maxKeys: 5 }),
  ),
}));

const path = fc.array(name, { minLength: 1, maxLength: 4 }).map((names) => names.join('.'));
const literal = fc.constantFrom('"page"', '0.7', '100', 'true', 'null', '""', '"b"');
const comparison = fc
  .tuple(fc.oneof(path, literal), fc.constantFrom('=', '!=', '<', '<=', '>', '>='), fc.oneof(path, literal))
  .map(([l, op, r]) => `${l} ${op} ${r}`);

/** JSONata's own answer, as the engine hands results out (plain arrays), or its error code. */
async function reference(source: string, scope: Record<string, unknown>) {
  try {
    return { value: plainResult(await jsonata(source).evaluate(scope)) };
  } catch (error) {
    return { error: (error as { code?: string }).code };
  }
}

async function ours(source: string, scope: Record<string, unknown>) {
  try {
    return { value: await new Expression(source).evaluate(scope) };
  } catch (error) {
    return { error: (error as { code?: string }).code };
  }
}

describe('expression fast path', () => {
  it('takes plain paths and comparisons, and leaves everything else to JSONata', () => {
    for (const source of ['input', 'input.segment', 'steps.n14.output.variant.id', '`a b`.c', 'value = "page"', 'value > 0.7', '0.7 <= input.x', 'input.a = null'])
      expect(fastEvaluator(jsonata(source).ast()), source).toBeDefined();
    for (const source of ['$.x', 'input.a[0]', 'input.a[]', 'input.*', '$count(input)', 'input.a + 1', 'value in ["a"]', '{ "a": input }', 'input.a = $x'])
      expect(fastEvaluator(jsonata(source).ast()), source).toBeUndefined();
    // An array on the way, or a key from the prototype: JSONata's own rules apply.
    const segment = fastEvaluator(jsonata('input.segment').ast())!;
    expect(segment({ input: [{ segment: 'a' }] })).toBe(FALL_BACK);
    expect(fastEvaluator(jsonata('input.toString').ast())!({ input: {} })).toBe(FALL_BACK);
    expect(segment({ input: { segment: 'vip' } })).toBe('vip');
  });

  it('agrees with JSONata on random paths over random data', async () => {
    await fc.assert(
      fc.asyncProperty(path, fc.dictionary(key, json, { maxKeys: 6 }), async (source, scope) => {
        expect(await ours(source, scope)).toEqual(await reference(source, scope));
      }),
      { numRuns: 400 },
    );
  });

  it('agrees with JSONata on random comparisons, errors included', async () => {
    await fc.assert(
      fc.asyncProperty(comparison, fc.dictionary(key, json, { maxKeys: 6 }), async (source, scope) => {
        expect(await ours(source, scope)).toEqual(await reference(source, scope));
      }),
      { numRuns: 400 },
    );
  });
});
