/**
 * The expression fast path (`engine/expression/fast-path.ts`) must give
 * exactly JSONata's answer, or step aside: for random JSON scopes and random
 * paths, comparisons, objects, arrays and `$merge`s of them, and blocks that
 * bind variables, `Expression.evaluate` — fast path included — agrees with
 * JSONata evaluating the same text, errors included. The data holds objects without a
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

/** `{ k: v, … }` as expression text. */
const objectText = (pairs: Array<[string, string]>) => `{ ${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')} }`;

/** What a transform step or a node's config builds: objects and arrays of paths, literals, comparisons; `$merge`s of them. */
const { built } = fc.letrec<{ built: string }>((tie) => ({
  built: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    path,
    literal,
    comparison,
    fc.array(fc.tuple(fc.constantFrom('"a"', '"b"', '"c"', '"__proto__"'), tie('built')), { maxLength: 4 }).map(objectText),
    fc.array(tie('built'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
    fc.array(fc.oneof(path, tie('built')), { maxLength: 3 }).map((items) => `$merge([${items.join(', ')}])`),
  ),
}));

/** A path that may start at a variable: bound by the block around it (`$v`, `$w`) or not (`$z`, JSONata's to resolve). */
const variablePath = fc
  .tuple(fc.constantFrom('$v', '$w', '$z'), fc.array(name, { maxLength: 3 }))
  .map(([variable, names]) => [variable, ...names].join('.'));

/**
 * What a transform's block builds: `( $v := …; $w := …; result )`, where the
 * result reads the variables in paths, comparisons, conditionals and the first
 * of a list, as the seed's "Parse ML predictions" step does.
 */
const { inner } = fc.letrec<{ inner: string }>((tie) => ({
  inner: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    variablePath,
    path,
    literal,
    fc.tuple(fc.oneof(variablePath, path, literal), fc.constantFrom('=', '!=', '<', '>='), fc.oneof(variablePath, literal)).map(([l, op, r]) => `${l} ${op} ${r}`),
    // A branch may be one only JSONata evaluates (a mapping over an array, a function).
    fc
      .tuple(fc.oneof(comparison, variablePath, path), fc.oneof(tie('inner'), fc.constantFrom('$uppercase($v)', '[$v.a.{ "b": b }]')), fc.option(tie('inner')))
      .map(([c, a, b]) => (b === null ? `${c} ? ${a}` : `${c} ? ${a} : ${b}`)),
    fc.tuple(fc.array(tie('inner'), { maxLength: 3 }), fc.constantFrom(0, 0, 0, 1, -1)).map(([items, i]) => `[${items.join(', ')}][${i}]`),
    fc.array(tie('inner'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
    fc.uniqueArray(fc.tuple(fc.constantFrom('"a"', '"b"', '"c"'), tie('inner')), { maxLength: 3, selector: ([k]) => k }).map(objectText),
    fc.array(tie('inner'), { maxLength: 2 }).map((items) => `$merge([${items.join(', ')}])`),
    // A block inside: its $w hides the outer one until it ends.
    fc.tuple(tie('inner'), tie('inner')).map(([w, result]) => `( $w := ${w}; ${result} )`),
  ),
}));
const block = fc
  .tuple(fc.oneof(built, inner), fc.option(inner, { freq: 4 }), inner)
  .map(([v, w, result]) => `( $v := ${v};${w === null ? '' : ` $w := ${w};`} ${result} )`);

/**
 * What a "pick the best" transform does with a list (the seed's "Select best variant"): filter it on a
 * condition read from each item, sort it with a comparator, take the first, count it, take its largest
 * field, check whether anything is there. Items are objects with a few fields whose values may be of the
 * wrong type, missing, lists, or not objects at all; the list may be one object or no list.
 */
const field = fc.constantFrom('f', 'g', 'channel', 'toString');
const oddValue = fc.oneof(fc.constantFrom('', true, null), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.array(fc.constantFrom(1, 'a'), { maxLength: 2 }));
const channel = fc.oneof({ weight: 5, arbitrary: fc.constantFrom('a', 'b', 'any') }, { weight: 1, arbitrary: oddValue });
const score = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(0, 1, 0.5, -2, 0.5) }, { weight: 1, arbitrary: oddValue });
const item = fc.oneof(
  { weight: 12, arbitrary: fc.record({ f: score, g: score, channel }, { requiredKeys: ['f', 'channel'] }) },
  { weight: 1, arbitrary: fc.record({ f: score, g: score, channel }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: json },
);
const listScope = fc.record({
  input: fc.record({
    list: fc.oneof({ weight: 8, arbitrary: fc.array(item, { maxLength: 7 }) }, { weight: 1, arbitrary: item }, { weight: 1, arbitrary: fc.constant(undefined) }),
    u: fc.record({ f: score, channel }),
  }),
});
const { condition } = fc.letrec<{ condition: string }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 6, arbitrary: fc.tuple(fc.constantFrom('f', 'channel', 'g'), fc.constantFrom('=', '!=', '<', '>'), fc.constantFrom('$u.f', '$u.channel', '"any"', '0.5', 'true')).map(([f, op, v]) => `${f} ${op} ${v}`) },
    { weight: 2, arbitrary: fc.tuple(tie('condition'), fc.constantFrom('and', 'or'), tie('condition')).map(([a, op, b]) => `(${a} ${op} ${b})`) },
    { weight: 1, arbitrary: fc.constantFrom('f', 'channel', '1', 'toString = 1') },
  ),
}));
const list = fc.oneof(fc.constant('$l'), condition.map((c) => `$l[${c}]`), fc.constant('$fits'));
const comparator = fc
  .tuple(fc.constantFrom('<', '>', '=', '<='), fc.constantFrom('f', 'f', 'channel', 'g', 'toString'), fc.constantFrom('$b', '$b', '$a', '$u'))
  .map(([op, f, other]) => `function($a, $b) { $a.${f} ${op} ${other}.${f} }`);
const picked = fc.oneof(
  fc.tuple(list, comparator, fc.constantFrom('[0]', '[1]', '[-1]', '')).map(([l, c, at]) => `$sort(${l}, ${c})${at}`),
  fc.tuple(list, field).map(([l, f]) => `$max(${l}.${f})`),
  list.map((l) => `$count(${l})`),
  fc.oneof(list, fc.constant('$u.f')).map((l) => `$exists(${l})`),
  condition.map((c) => `$exists($l[${c}]) ? $l[${c}] : $l`),
  fc.tuple(list, comparator, field).map(([l, c, f]) => `$merge([$u, { "best": $sort(${l}, ${c})[0], "top": $max(${l}.${f}), "n": $count(${l}) }])`),
  fc.tuple(fc.constantFrom('$count', '$exists'), list, fc.constantFrom(0, 1)).map(([f, l, at]) => `${f}(${l})[${at}]`),
  // A path that maps over the list, an object built from each item, and lists spliced into a list.
  fc.tuple(fc.constantFrom('$l', 'input.list', '$fits'), field).map(([l, f]) => `${l}.${f}`),
  fc.tuple(fc.constantFrom('$l', 'input.list', '$fits'), field, fc.constantFrom('', ', $u.f', ', [$l.g]')).map(([l, f, more]) => `[${l}.${f}${more}]`),
  fc.tuple(fc.constantFrom('$l', 'input.list'), field, fc.boolean()).map(([l, f, wrap]) => (wrap ? `[${l}.{ "x": ${f}, "c": $uppercase(channel), "u": $u.f }]` : `${l}.{ "x": ${f} }`)),
  fc.tuple(fc.constantFrom('$count', '$exists', '$max'), field).map(([fn, f]) => `${fn}(input.list.${f})`),
);
const picking = fc
  .tuple(fc.option(condition, { freq: 3 }), picked)
  .map(([c, p]) => `( $l := input.list; $u := input.u; ${c === null ? '' : `$fits := $l[${c}]; `}${p} )`);

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

/**
 * JSONata's own answer, as the engine hands results out (plain arrays), or
 * that it raised an error. Not which error: JSONata evaluates an array's items
 * concurrently, so when two items fail, which error comes out first depends on
 * timing (`[{ "a": 1, "a": 2 }, $merge(["x"])]` raises D1009 or T0412). The
 * fast path raises nothing itself; it must only never answer where JSONata fails.
 */
async function reference(source: string, scope: Record<string, unknown>) {
  try {
    return { value: shape(plainResult(await jsonata(source).evaluate(scope))) };
  } catch (error) {
    return { error: Boolean((error as { code?: string }).code) };
  }
}

async function ours(source: string, scope: Record<string, unknown>) {
  try {
    return { value: shape(await new Expression(source).evaluate(scope)) };
  } catch (error) {
    return { error: Boolean((error as { code?: string }).code) };
  }
}

describe('expression fast path', () => {
  it('takes plain paths and comparisons, and leaves everything else to JSONata', () => {
    for (const source of ['input', 'input.segment', 'steps.n14.output.variant.id', '`a b`.c', 'value = "page"', 'value > 0.7', '0.7 <= input.x', 'input.a = null'])
      expect(fastEvaluator(jsonata(source).ast()), source).toBeDefined();
    for (const source of ['{ "a": input, "b": [input.x, "y", 1, null], "c": { "d": value > 0.7 } }', '$merge([input, { "content": "default" }])', '[]'])
      expect(fastEvaluator(jsonata(source).ast()), source).toBeDefined();
    const seed = `(
      $request := [steps.n5.output, steps.n6.output][0];
      $profile := steps.n3.output;
      { "email": $profile.email, "channel": $profile.channel = "push" ? "push" : "email", "segment": $request.segment }
    )`;
    expect(fastEvaluator(jsonata(seed).ast()), 'a block').toBeDefined();
    // Nesting past a real expression's depth is JSONata's, whose depth limit fails a runaway expression.
    expect(fastEvaluator(jsonata('((1))').ast())).toBeDefined();
    expect(fastEvaluator(jsonata('('.repeat(100) + '1' + ')'.repeat(100)).ast())).toBeUndefined();
    for (const source of ['( $merge := 1; $merge([input]) )', '$undefined.a', '( $x := input; $y )', '[input][-1]', '[input][$i]', '[input][0][0]'])
      expect(fastEvaluator(jsonata(source).ast()), source).toBeUndefined();
    for (const source of ['$.x', 'input.a[0]', 'input.a[]', 'input.*', '$count(input, 1)', '$sort(input)', '$sort(input, function($a, $b) <xx:b> { $a > $b })', 'input.a + 1', 'value in ["a"]', 'input.a = $x', '{ input.k: 1 }', '{ "a": 1, "a": 2 }', '[input.a[0]]', '$merge(input)', '$merge([input], 1)', 'input{ "a": 1 }'])
      expect(fastEvaluator(jsonata(source).ast()), source).toBeUndefined();
    // A list on the way is mapped over, as JSONata does; a list inside it, or a key from the prototype, is JSONata's.
    const segment = fastEvaluator(jsonata('input.segment').ast())!;
    expect(segment({ input: [{ segment: 'a' }] })).toBe('a');
    expect(segment({ input: [{ segment: 'a' }, { segment: ['b', 'c'] }, { other: 1 }, 7] })).toEqual(['a', 'b', 'c']);
    expect(segment({ input: [[{ segment: 'a' }]] })).toBe(FALL_BACK);
    expect(fastEvaluator(jsonata('input.toString').ast())!({ input: {} })).toBe(FALL_BACK);
    expect(segment({ input: { segment: 'vip' } })).toBe('vip');
    expect(segment({ input: Object.assign(Object.create(null), { segment: 'vip' }) })).toBe('vip');
    // A long list, or nested filters that would visit too many items, are JSONata's, under its time limit.
    const fits = fastEvaluator(jsonata('( $l := input; $l[f = 1] )').ast())!;
    const items = (n: number) => Array.from({ length: n }, (_, i) => ({ f: i % 2 }));
    expect(fits({ input: items(4) })).toEqual([{ f: 1 }, { f: 1 }]);
    expect(fits({ input: items(1001) })).toBe(FALL_BACK);
    const nested = fastEvaluator(jsonata('( $l := input; $l[$exists($l[$exists($l[f = 1])])] )').ast())!;
    expect(nested({ input: items(10) })).toEqual(items(10));
    expect(nested({ input: items(100) })).toBe(FALL_BACK);
    expect(fastEvaluator(jsonata('$max(input)').ast())!({ input: Array.from({ length: 200_000 }, (_, i) => i) })).toBe(FALL_BACK);
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

  it('agrees with JSONata on random blocks of variables, conditionals and first-of lists, errors included', async () => {
    await fc.assert(
      fc.asyncProperty(block, fc.dictionary(key, json, { maxKeys: 6 }), async (source, scope) => {
        expect(await ours(source, scope)).toEqual(await reference(source, scope));
      }),
      { numRuns: 1000 },
    );
    // A block's variable hides the enclosing block's until the block ends; an array a conditional or a block
    // hands an array constructor is spliced in, one written in place is kept whole.
    // A branch only JSONata can evaluate is JSONata's when chosen, and costs nothing when not.
    const branches = ['( $v := "ada"; $v = "ada" ? $uppercase($v) : 1 )', '( $v := "ada"; $v = "bob" ? $uppercase($v) : 1 )', '( $v := { "a": [{ "b": 1 }] }; "a" = "a" ? [$v.a.{ "b": b }] )'];
    for (const source of [...branches, '( $w := 2; [( $w := 3; $w ), $w] )', '[true ? [1, 2] : 3, 4]', '[( [1, 2] ), [3]]', '[[[1, 2]][0], 3]'])
      expect(await ours(source, {}), source).toEqual(await reference(source, {}));
    // The seed's own block, on the shapes its steps hand it.
    const seed = `( $request := [steps.n5.output, steps.n6.output][0]; $profile := steps.n3.output;
      { "email": $profile.email, "channel": $profile.traits.ch = "push" ? "push" : "email", "segment": $request.segment } )`;
    const profile = Object.assign(Object.create(null), { email: 'ada@example.com', traits: { ch: 'push' } });
    for (const steps of [{ n6: { output: { segment: 'buyers' } }, n3: { output: profile } }, { n5: { output: [{ segment: 'x' }] } }, {}]) {
      expect(await ours(seed, { steps })).toEqual(await reference(seed, { steps }));
    }
  });

  it('agrees with JSONata on random filters, sorts, counts and maxima over lists, errors included', async () => {
    await fc.assert(
      fc.asyncProperty(picking, listScope, async (source, scope) => {
        expect(await ours(source, scope)).toEqual(await reference(source, scope));
      }),
      { numRuns: 1500 },
    );
    // The seed's own "Select best variant", on lists of every length and with a channel that fits none.
    const seed = `(
      $user := [steps.n11.output, steps.n12.output][0];
      $variants := input.body.variants;
      $fits := $variants[channel = $user.channel or channel = "any"];
      $pool := $exists($fits) ? $fits : $variants;
      $best := $sort($pool, function($a, $b) { $a.score < $b.score })[0];
      $merge([$user, { "variant": $best, "bestScore": $max($pool.score), "variantsConsidered": $count($pool) }])
    )`;
    expect(fastEvaluator(jsonata(seed).ast()), 'the seed transform').toBeDefined();
    const variants = [
      { id: 'v1', channel: 'email', score: 0.4 },
      { id: 'v2', channel: 'push', score: 0.9 },
      { id: 'v3', channel: 'any', score: 0.7 },
      { id: 'v4', channel: 'email', score: 0.7 },
    ];
    for (const [channel, count] of [['email', 4], ['push', 2], ['sms', 1], ['email', 1], ['email', 0]] as const) {
      const scope = { input: { body: { variants: variants.slice(0, count) } }, steps: { n12: { output: { userId: 'u1', channel } } } };
      expect(await ours(seed, scope), `${channel}, ${count} variants`).toEqual(await reference(seed, scope));
    }
    // The seed's request for a purchase (n6) and Braze purchases (n15), on orders of zero, one and two products.
    const request = `{ "userId": input.userId, "items": $count(input.properties.products), "skus": [input.properties.products.product_id] }`;
    const purchases = `( $order := steps.n3.output.properties; input.eventType = "purchase" ? [$order.products.{ "product_id": product_id,
      "currency": $uppercase($order.currency), "price": price, "quantity": quantity }] )`;
    expect(fastEvaluator(jsonata(request).ast()), 'n6').toBeDefined();
    expect(fastEvaluator(jsonata(purchases).ast()), 'n15').toBeDefined();
    const products = [
      { product_id: 'sku-1', price: 20, quantity: 1 },
      { product_id: 'sku-2', price: 5.5, quantity: 3 },
    ];
    for (const count of [0, 1, 2]) {
      const properties = { currency: 'eur', products: products.slice(0, count) };
      const scope = { input: { userId: 'u1', eventType: 'purchase', properties }, steps: { n3: { output: { properties } } } };
      expect(await ours(request, scope), `n6, ${count} products`).toEqual(await reference(request, scope));
      expect(await ours(purchases, scope), `n15, ${count} products`).toEqual(await reference(purchases, scope));
    }
    // …and the fast path answers them itself, without JSONata's evaluator.
    const order = { currency: 'eur', products };
    const orderScope = { input: { userId: 'u1', eventType: 'purchase', properties: order }, steps: { n3: { output: { properties: order } } } };
    expect(fastEvaluator(jsonata(request).ast())!(orderScope)).toEqual({ userId: 'u1', items: 2, skus: ['sku-1', 'sku-2'] });
    expect(plainResult(fastEvaluator(jsonata(purchases).ast())!(orderScope))).toEqual(products.map((p) => ({ ...p, currency: 'EUR' })));
    // A comparator that is no order still gives JSONata's list: the same comparisons, in the same order.
    const unordered = '$sort(input.list, function($a, $b) { $a.f = $b.f })';
    for (const fs of [[0, 1, 0], [0, 0, 1, 0, 0]]) {
      const scope = { input: { list: fs.map((f, id) => ({ id, f })) } };
      expect(await ours(unordered, scope), JSON.stringify(fs)).toEqual(await reference(unordered, scope));
    }
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
