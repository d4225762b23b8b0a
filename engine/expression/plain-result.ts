/**
 * JSONata builds its sequences as arrays carrying extra own properties
 * (`sequence: true`, and with a sequence limit an own `push` function).
 * Such an array nested anywhere in a result cannot be structured-cloned or
 * stored as is, so results are handed out as plain data. A function (a
 * JSONata lambda) in a result becomes `undefined`, as it would in JSON.
 */

const isMarkedArray = (value: unknown[]) => Object.hasOwn(value, 'sequence') || Object.hasOwn(value, 'push');

/** JSONata's functions are objects (with their closure's environment, which can be cyclic). */
const isLambda = (value: unknown) =>
  value !== null && typeof value === 'object' && (Object.hasOwn(value, '_jsonata_lambda') || Object.hasOwn(value, '_jsonata_function'));

/**
 * Returns `value` with every JSONata sequence turned into a plain array.
 * Parts that need no change are returned as they are (no copy); the input is never mutated.
 *
 * @example plainResult(await jsonata('{ "a": [1..3] }').evaluate({})) // → { a: [1, 2, 3] }, a plain array
 */
export function plainResult(value: unknown): unknown {
  if (typeof value === 'function' || isLambda(value)) return undefined;
  if (Array.isArray(value)) {
    let out: unknown[] = isMarkedArray(value) ? Array.from(value) : value;
    for (let i = 0; i < out.length; i++) {
      const item = plainResult(out[i]);
      if (item !== out[i]) {
        if (out === value) out = Array.from(value);
        out[i] = item;
      }
    }
    return out;
  }
  if (value !== null && typeof value === 'object' && Object.prototype.toString.call(value) === '[object Object]') {
    let out = value as Record<string, unknown>;
    for (const key of Object.keys(value)) {
      const item = plainResult(out[key]);
      if (item !== out[key]) {
        if (out === value) out = { ...(value as Record<string, unknown>) };
        // defineProperty: a "__proto__" key from JSON stays an own data property.
        Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
      }
    }
    return out;
  }
  return value;
}
