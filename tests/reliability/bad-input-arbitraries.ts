/**
 * fast-check arbitraries for the bad-input suite: JSON-ish values with
 * hostile keys (`__proto__`, `constructor`, `prototype`), scenario documents
 * that are almost valid (a valid one with a part replaced), and raw bodies
 * that are not JSON at all. Hostile keys are generated as a placeholder and
 * swapped in the JSON text, because an object literal cannot hold an own
 * `__proto__` key the way `JSON.parse` makes one.
 */
import fc from 'fast-check';

const PROTO = '\u0000PROTO\u0000';
const hostileKey = fc.constantFrom(PROTO, 'constructor', 'prototype', '__defineGetter__', 'toString', 'hasOwnProperty', 'valueOf');
const key = fc.oneof({ weight: 4, arbitrary: fc.string({ maxLength: 12 }) }, { weight: 1, arbitrary: hostileKey });

/** JSON values (objects, arrays, strings, numbers, booleans, null) whose keys include hostile ones. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.string({ maxLength: 30 }),
    fc.constantFrom('{{ secrets.X }}', '{{ $eval("1") }}', '{{ [1..100000000] }}', '() => process.exit(1)', '${7*7}', '../../etc/passwd'),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** JSON text of a value, with the placeholder keys turned into real `"__proto__"` keys. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value).replaceAll(JSON.stringify(PROTO).slice(1, -1), '__proto__');
}

/** A small valid scenario to mutate. */
export function baseScenario(id: string): Record<string, unknown> {
  return {
    format: 'switchyard/scenario@1',
    id,
    name: 'Fuzz',
    settings: { timezone: 'UTC', vars: { A: '1' } },
    nodes: [
      { id: 'trigger', type: 'trigger.manual', config: {} },
      { id: 'route', type: 'router', config: { subject: 'input.n' } },
      { id: 'big', type: 'transform', config: { expression: '{ "n": input.n }' }, retry: { attempts: 2, delayMs: 10 } },
      { id: 'small', type: 'http.request', config: { method: 'GET', url: 'http://127.0.0.1:9/x' }, onError: 'ignore' },
    ],
    edges: [
      { from: 'trigger', to: 'route' },
      { from: 'route', to: 'big', label: '> 1' },
      { from: 'route', to: 'small', label: 'else' },
    ],
  };
}

/** Sets `value` at a path of plain keys/indices, creating objects on the way. */
function setAt(target: any, path: Array<string | number>, value: unknown): void {
  let cur = target;
  for (let i = 0; i < path.length - 1; i++) {
    if (cur[path[i]] === null || typeof cur[path[i]] !== 'object') cur[path[i]] = {};
    cur = cur[path[i]];
  }
  if (path.length === 0) return;
  Object.defineProperty(cur, path[path.length - 1], { value, enumerable: true, writable: true, configurable: true });
}

const scenarioPaths: Array<Array<string | number>> = [
  ['format'], ['id'], ['name'], ['settings'], ['settings', 'vars'], ['settings', 'timezone'], ['nodes'], ['edges'], ['groups'],
  ['nodes', 0], ['nodes', 1, 'type'], ['nodes', 1, 'config'], ['nodes', 1, 'config', 'subject'], ['nodes', 2, 'config', 'expression'],
  ['nodes', 2, 'retry'], ['nodes', 2, 'timeoutMs'], ['nodes', 3, 'config', 'url'], ['nodes', 3, 'onError'], ['nodes', 3, 'config', PROTO],
  ['nodes', 2, 'id'], ['nodes', 4], ['edges', 0, 'from'], ['edges', 1, 'label'], ['edges', 2, 'when'], ['edges', 3], [PROTO], ['constructor'],
  ['nodes', 1, 'config', 'constructor', 'prototype'], ['settings', 'vars', PROTO],
];

/** Scenario documents: mostly a valid one with one to three parts replaced by hostile values, sometimes anything at all. */
export function scenarioDocument(id: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  const mutated = fc
    .tuple(id, fc.array(fc.tuple(fc.constantFrom(...scenarioPaths), hostileJson), { minLength: 1, maxLength: 3 }))
    .map(([docId, edits]) => {
      const doc = baseScenario(docId);
      for (const [path, value] of edits) setAt(doc, path, value);
      return doc;
    });
  return fc.oneof({ weight: 6, arbitrary: mutated }, { weight: 1, arbitrary: hostileJson }, { weight: 1, arbitrary: id.map(baseScenario) });
}

/** Raw request bodies with a content type: JSON, broken JSON, forms, binary, empty. */
export const rawBody: fc.Arbitrary<{ text: string; type: string }> = fc.oneof(
  { weight: 4, arbitrary: hostileJson.map((v) => ({ text: toJsonText(v), type: 'application/json' })) },
  fc.string({ maxLength: 200 }).map((text) => ({ text, type: 'application/json' })),
  hostileJson.map((v) => ({ text: toJsonText(v).slice(0, -1), type: 'application/json' })),
  fc.constantFrom('__proto__[polluted]=yes&a=1', 'constructor[prototype][polluted]=yes', 'a=%E0%A4%A&b', '=&&=').map((text) => ({ text, type: 'application/x-www-form-urlencoded' })),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ text: Buffer.from(bytes).toString('latin1'), type: 'application/octet-stream' })),
  fc.constantFrom('', ' ', 'null', '"text"', '1e999', '[]').map((text) => ({ text, type: 'application/json' })),
  fc.string({ maxLength: 100 }).map((text) => ({ text, type: 'text/plain; charset=utf-8' })),
);
