/**
 * The expression fast path (`engine/expression/fast-path.ts`) must give
 * exactly JSONata's answer, or step aside: for random JSON scopes and random
 * paths, comparisons, objects, arrays and `$merge`s of them,
 * `Expression.evaluate` — fast path included — agrees with JSONata evaluating
 * the same text, errors included. The data holds objects without a
 * prototype too: JSONata's own objects (a transform step's output) are made
 * that way.
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
    fc.dictionary(key, tie('json'), { maxKeys: 5 }).map((d) => Object.assign(Object.create(null), d)),
  ),
}));

const path = fc.array(name, { minLength: 1, maxLength: 4 }).map((names) => names.join('.'));
const literal = fc.constantFrom('"page"', '0.7', '100', 'true', 'null', '""', '"b"');
const comparison = fc
  .tuple(fc.oneof(path, literal), fc.constantFrom('=', '!=', '<', '<=', '>', '>='), fc.oneof(path, literal))
  .map(([l, op, r]) => `${l} ${op} ${r}`);

/** What a transform step or a node's config builds: objects and arrays of paths, literals, comparisons; `$merge`s of them. */
const { built } = fc.letrec<{ built: string }>((tie) => ({
  built: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    path,
    literal,
    comparison,
    fc.array(fc.tuple(fc.constantFrom('"a"', '"b"', '"c"', '"__proto__"'), tie('built')), { maxLength: 4 }).map((pairs) => `{ ${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')} }`),
    fc.array(tie('built'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
    fc.array(fc.oneof(path, tie('built')), { maxLength: 3 }).map((items) => `$merge([${items.join(', ')}])`),
  ),
}));

/**
 * A value as its keys and items, so a key holding `undefined` differs from a
 * missing one (`toEqual` alone treats them alike, and JSONata leaves such keys out).
 */
function shape(value: unknown): unknown {
  if (value === undefined) return { undefined: true };
  if (Array.isArray(value)) return { array: value.map(shape) };
  if (value !== null && typeof value === 'object') return { object: Object.keys(value).map((k) => [k, shape((value as Record<string, unknown>)[k])]) };
  return value;
}

/** JSONata's own answer, as the engine hands results out (plain arrays), or its error code. */
async function reference(source: string, scope: Record<string, unknown>) {
  try {
    return { value: shape(plainResult(await jsonata(source).evaluate(scope))) };
  } catch (error) {
    return { error: (error as { code?: string }).code };
  }
}

async function ours(source: string, scope: Record<string, unknown>) {
  try {
    return { value: shape(await new Expression(source).evaluate(scope)) };
  } catch (error) {
    return { error: (error as { code?: string }).code };
  }
}

describe('expression fast path', () => {
  it('takes plain paths and comparisons, and leaves everything else to JSONata', () => {
    for (const source of ['input', 'input.segment', 'steps.n14.output.variant.id', '`a b`.c', 'value = "page"', 'value > 0.7', '0.7 <= input.x', 'input.a = null'])
      expect(fastEvaluator(jsonata(source).ast()), source).toBeDefined();
    for (const source of ['{ "a": input, "b": [input.x, "y", 1, null], "c": { "d": value > 0.7 } }', '$merge([input, { "content": "default" }])', '[]'])
      expect(fastEvaluator(jsonata(source).ast()), source).toBeDefined();
    for (const source of ['$.x', 'input.a[0]', 'input.a[]', 'input.*', '$count(input)', 'input.a + 1', 'value in ["a"]', 'input.a = $x', '{ input.k: 1 }', '{ "a": 1, "a": 2 }', '[input.a[0]]', '$merge(input)', '$merge([input], 1)', 'input{ "a": 1 }'])
      expect(fastEvaluator(jsonata(source).ast()), source).toBeUndefined();
    // An array on the way, or a key from the prototype: JSONata's own rules apply.
    const segment = fastEvaluator(jsonata('input.segment').ast())!;
    expect(segment({ input: [{ segment: 'a' }] })).toBe(FALL_BACK);
    expect(fastEvaluator(jsonata('input.toString').ast())!({ input: {} })).toBe(FALL_BACK);
    expect(segment({ input: { segment: 'vip' } })).toBe('vip');
    expect(segment({ input: Object.assign(Object.create(null), { segment: 'vip' }) })).toBe('vip');
    // Merging something that is not an object is JSONata's error (T0412) to raise.
    expect(fastEvaluator(jsonata('$merge([input, { "c": 1 }])').ast())!({ input: 'text' })).toBe(FALL_BACK);
  });

  it('agrees with JSONata on random paths over random data', async () => {
    await fc.assert(
      fc.asyncProperty(path, fc.dictionary(key, json, { maxKeys: 6 }), async (source, scope) => {
        expect(await ours(source, scope)).toEqual(await reference(source, scope));
      }),
      { numRuns: 400 },
    );
  });

  it('agrees with JSONata on random objects, arrays and merges, errors included', async () => {
    await fc.assert(
      fc.asyncProperty(built, fc.dictionary(key, json, { maxKeys: 6 }), async (source, scope) => {
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
