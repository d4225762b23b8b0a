/**
 * Bad input, generated with fast-check (FUZZ_RUNS cases per target, default
 * 10,000): scenario documents through the validator, `POST /api/scenarios`
 * and `PUT`; webhook bodies; run inputs. The service (in this process, so
 * `Object.prototype` can be checked) answers 2xx when the input is fine and
 * otherwise 4xx with issue paths — never a 5xx, never a crash, never a
 * polluted prototype. Plus huge and deeply nested JSON, a few hundred
 * documents through the real `switchyard validate`, and JSONata abuse.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../../nodes';
import type { NodeRegistry } from '../../nodes/registry';
import { validateScenario } from '../../engine/scenario/validate';
import { baseScenario, rawBody, scenarioDocument, toJsonText } from './bad-input-arbitraries';
import { startInProcessService, type InProcessService } from './service';

const CASES = Number(process.env.FUZZ_RUNS ?? 10_000);
const CLI_CASES = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let svc: InProcessService;
let registry: NodeRegistry;
const prototypeKeys = () => [Object.prototype, Array.prototype, Function.prototype].map((p) => Object.getOwnPropertyNames(p).sort().join(','));
let keysBefore: string[];
const tried: Record<string, number> = {};
const statuses: Record<string, Record<number, number>> = {};

/** The answer is fine (2xx) or a client error in the one error shape with paths; never a 5xx. */
function expectClientAnswer(target: string, res: { status: number; body: any; text: string }): void {
  (statuses[target] ??= {})[res.status] = (statuses[target][res.status] ?? 0) + 1;
  if (res.status >= 500 || res.status < 200 || (res.status >= 300 && res.status < 400)) throw new Error(`${target}: ${res.status} ${res.text.slice(0, 500)}`);
  if (res.status < 300) return;
  const error = res.body?.error;
  if (!error || typeof error.code !== 'string' || typeof error.message !== 'string' || !Array.isArray(error.issues)) throw new Error(`${target}: malformed error ${res.text.slice(0, 300)}`);
  for (const issue of error.issues) if (typeof issue.path !== 'string' || typeof issue.message !== 'string') throw new Error(`${target}: issue without a path ${JSON.stringify(issue)}`);
  if ((res.status === 400 || res.status === 422) && error.issues.length === 0) throw new Error(`${target}: ${res.status} without issues ${res.text.slice(0, 300)}`);
}

beforeAll(async () => {
  process.env.SWITCHYARD_HOOK_RATE_LIMIT = '10000000';
  process.env.SWITCHYARD_ALLOW_HOSTS = '127.0.0.1';
  keysBefore = prototypeKeys();
  registry = await createRegistry();
  svc = await startInProcessService({ registry });
  const hook = {
    format: 'switchyard/scenario@1',
    id: 'fz-hook',
    name: 'Fuzzed webhook',
    nodes: [
      { id: 'hook', type: 'trigger.webhook', config: { path: 'fuzz' } },
      // Reads, merges and spreads the hostile bundle: where a careless engine would pollute.
      { id: 'touch', type: 'transform', config: { expression: '$merge([{}, input, trigger]) ~> $each(function($v, $k) { $k })' } },
    ],
    edges: [{ from: 'hook', to: 'touch' }],
  };
  expect((await svc.call('/api/scenarios', { body: hook })).status).toBe(201);
  expect((await svc.call('/api/scenarios/fz-hook/publish', { method: 'POST' })).status).toBe(200);
  const run = { ...hook, id: 'fz-run', nodes: [{ id: 'start', type: 'trigger.manual', config: {} }, { ...hook.nodes[1] }], edges: [{ from: 'start', to: 'touch' }] };
  expect((await svc.call('/api/scenarios', { body: run })).status).toBe(201);
}, 120_000);

afterAll(async () => {
  console.log(`[bad-input] cases tried: ${JSON.stringify(tried)}; statuses: ${JSON.stringify(statuses)}`);
  await svc?.close();
});

describe('scenario documents', () => {
  it(`validateScenario answers ${CASES} generated documents with problems that name their path, never a throw`, () => {
    fc.assert(
      fc.property(scenarioDocument(fc.string({ maxLength: 20 })), (doc) => {
        tried.validator = (tried.validator ?? 0) + 1;
        const result = validateScenario(JSON.parse(toJsonText(doc)), registry);
        expect(typeof result.ok).toBe('boolean');
        for (const p of result.problems) {
          expect(typeof p.path).toBe('string');
          expect(p.message.length).toBeGreaterThan(0);
        }
        if (!result.ok) expect(result.problems.some((p) => p.severity === 'error')).toBe(true);
      }),
      { numRuns: CASES },
    );
  });

  it(`POST /api/scenarios answers ${CASES} generated documents with 201, 400 with issue paths, or 409`, async () => {
    const ids = fc.oneof(fc.constantFrom('fz-a', 'fz-b', 'fz-c', 'fz-hook'), fc.string({ maxLength: 30 }));
    await fc.assert(
      fc.asyncProperty(scenarioDocument(ids), async (doc) => {
        tried['POST /api/scenarios'] = (tried['POST /api/scenarios'] ?? 0) + 1;
        expectClientAnswer('POST /api/scenarios', await svc.call('/api/scenarios', { raw: toJsonText(doc), headers: { 'content-type': 'application/json' } }));
      }),
      { numRuns: CASES },
    );
  }, 600_000);

  it(`PUT /api/scenarios/:id answers ${CASES} generated documents and raw bodies without a 5xx`, async () => {
    const body = fc.oneof(
      { weight: 3, arbitrary: scenarioDocument(fc.constantFrom('fz-put', undefined as unknown as string, 'other')).map((d) => ({ text: toJsonText(d), type: 'application/json' })) },
      rawBody,
    );
    await fc.assert(
      fc.asyncProperty(body, async ({ text, type }) => {
        tried['PUT /api/scenarios/:id'] = (tried['PUT /api/scenarios/:id'] ?? 0) + 1;
        expectClientAnswer('PUT /api/scenarios/:id', await svc.call('/api/scenarios/fz-put', { method: 'PUT', raw: text, headers: { 'content-type': type } }));
      }),
      { numRuns: CASES },
    );
  }, 600_000);
});

describe('webhook bodies and run inputs', () => {
  it(`POST /hooks/<path> answers ${CASES} generated bodies with 202 or a 4xx`, async () => {
    await fc.assert(
      fc.asyncProperty(rawBody, async ({ text, type }) => {
        tried['POST /hooks/fuzz'] = (tried['POST /hooks/fuzz'] ?? 0) + 1;
        expectClientAnswer('POST /hooks/fuzz', await svc.call('/hooks/fuzz', { raw: text, headers: { 'content-type': type } }));
      }),
      { numRuns: CASES },
    );
  }, 600_000);

  it(`POST /api/scenarios/:id/runs answers ${CASES} generated inputs with 202 or a 4xx`, async () => {
    const query = fc.constantFrom('', '?version=1', '?version=0', '?version=abc', '?wait=maybe', '?__proto__[polluted]=1', '?timeoutMs=-1');
    await fc.assert(
      fc.asyncProperty(rawBody, query, async ({ text, type }, q) => {
        tried['POST /api/scenarios/:id/runs'] = (tried['POST /api/scenarios/:id/runs'] ?? 0) + 1;
        expectClientAnswer('POST /api/scenarios/:id/runs', await svc.call(`/api/scenarios/fz-run/runs${q}`, { raw: text, headers: { 'content-type': type } }));
      }),
      { numRuns: CASES },
    );
  }, 600_000);

  it('the runs those inputs started all finish, none crashed the worker', async () => {
    // Every accepted run reaches a final status: a hostile bundle fails at most its own run.
    for (const scenarioId of ['fz-hook', 'fz-run']) {
      let runs = await svc.runsOf(scenarioId);
      for (let i = 0; i < 240 && runs.some((r) => r.status === 'queued' || r.status === 'running'); i++) {
        await sleep(500);
        runs = await svc.runsOf(scenarioId);
      }
      expect(runs.length).toBeGreaterThan(0);
      expect(runs.filter((r) => r.status !== 'succeeded' && r.status !== 'failed')).toEqual([]);
    }
  }, 180_000);
});

describe('huge and deeply nested JSON', () => {
  const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  const deepObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

  it('refuses nesting past the depth limit in every body with 400 naming it, and runs what is within it', async () => {
    const json = { 'content-type': 'application/json' };
    for (const depth of [300, 10_000, 100_000]) {
      for (const text of [deepArray(depth), deepObject(depth)]) {
        const inConfig = JSON.stringify(baseScenario('fz-deep-config')).replace('"config":{}', `"config":{"x":${text}}`);
        for (const [target, res] of [
          ['deep POST /api/scenarios', await svc.call('/api/scenarios', { raw: text, headers: json })],
          ['deep PUT /api/scenarios/:id', await svc.call('/api/scenarios/fz-deep', { method: 'PUT', raw: text, headers: json })],
          ['deep POST /hooks', await svc.call('/hooks/fuzz', { raw: text, headers: json })],
          ['deep POST runs', await svc.call('/api/scenarios/fz-run/runs', { raw: text, headers: json })],
          ['deep config', await svc.call('/api/scenarios/fz-deep-config', { method: 'PUT', raw: inConfig, headers: json })],
        ] as const) {
          expectClientAnswer(target, res);
          // The webhook's smaller body limit (256 kB) may refuse the deepest ones first, as too large.
          expect([400, 413], target).toContain(res.status);
          if (res.status === 400) expect(res.body.error.code, target).toBe('too_deep');
        }
        expect(validateScenario(JSON.parse(text), registry).ok).toBe(false);
      }
    }
    // Within the limit, a deep bundle runs to the end, through the webhook and the API alike.
    const within = deepObject(200);
    const hook = await svc.call('/hooks/fuzz', { raw: within, headers: json });
    expect(hook.status).toBe(202);
    const run = await svc.call('/api/scenarios/fz-run/runs?wait=true', { raw: within, headers: json });
    expect(run.body.status).toBe('succeeded');
    expect((await svc.service.engine.waitForRun(hook.body.runId, 30_000))?.status).toBe('succeeded');
  }, 120_000);

  it('refuses bodies over the limits with 413 and takes wide documents within them', async () => {
    const huge = JSON.stringify({ items: 'x'.repeat(2_000_000) });
    for (const [target, res] of [
      ['huge POST /api/scenarios', await svc.call('/api/scenarios', { raw: huge, headers: { 'content-type': 'application/json' } })],
      ['huge POST /hooks', await svc.call('/hooks/fuzz', { raw: huge, headers: { 'content-type': 'application/json' } })],
      ['huge POST runs', await svc.call('/api/scenarios/fz-run/runs', { raw: huge, headers: { 'content-type': 'application/json' } })],
    ] as const) {
      expect(res.status, target).toBe(413);
      expectClientAnswer(target, res);
    }
    const wide = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]));
    const res = await svc.call('/api/scenarios/fz-run/runs?wait=true', { body: wide });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('succeeded');
  }, 120_000);
});

describe('prototype pollution', () => {
  it('no __proto__ or constructor key in any input or config reaches Object.prototype', async () => {
    const payloads = [
      '{"__proto__":{"polluted":"yes"}}',
      '{"constructor":{"prototype":{"polluted":"yes"}}}',
      '{"a":{"__proto__":{"polluted":"yes"}},"b":[{"__proto__":{"polluted":"yes"}}]}',
    ];
    for (const text of payloads) {
      expectClientAnswer('proto hook', await svc.call('/hooks/fuzz', { raw: text, headers: { 'content-type': 'application/json' } }));
      const run = await svc.call('/api/scenarios/fz-run/runs?wait=true', { raw: text, headers: { 'content-type': 'application/json' } });
      expect(run.body.status).toBe('succeeded');
    }
    expectClientAnswer('proto form', await svc.call('/hooks/fuzz', { raw: '__proto__[polluted]=yes&constructor[prototype][polluted]=yes', headers: { 'content-type': 'application/x-www-form-urlencoded' } }));
    const doc = JSON.stringify({
      ...baseScenario('fz-proto'),
      settings: { vars: { polluted: 'no' } },
    }).replace('"settings":{', '"__proto__":{"polluted":"yes"},"settings":{"__proto__":{"polluted":"yes"},').replace('"config":{}', '"config":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}');
    expectClientAnswer('proto scenario', await svc.call('/api/scenarios', { raw: doc, headers: { 'content-type': 'application/json' } }));
    expectClientAnswer('proto scenario run', await svc.call('/api/scenarios/fz-proto/runs?wait=true', { body: JSON.parse('{"__proto__":{"polluted":"yes"}}') }));
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(([] as unknown as { polluted?: unknown }).polluted).toBeUndefined();
    // After every fuzzed body above as well: no new property on the built-in prototypes.
    expect(prototypeKeys()).toEqual(keysBefore);
  }, 120_000);
});

describe('switchyard validate (the real CLI process)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-fuzz-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`answers ${CLI_CASES} generated files with exit 0 or 2 and a line per file, never a crash`, async () => {
    const docs = fc.sample(scenarioDocument(fc.string({ maxLength: 20 })), { numRuns: CLI_CASES, seed: 8 });
    const files: string[] = [];
    for (const [i, doc] of docs.entries()) {
      const file = path.join(dir, `doc-${i}.json`);
      // A few files are not JSON at all.
      await writeFile(file, i % 25 === 0 ? toJsonText(doc).slice(0, -1) : toJsonText(doc));
      files.push(file);
    }
    for (let start = 0; start < files.length; start += 100) {
      const batch = files.slice(start, start + 100);
      const cli = spawnSync(process.execPath, ['--import', 'tsx', 'bin/switchyard.js', 'validate', ...batch], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
      tried['switchyard validate'] = (tried['switchyard validate'] ?? 0) + batch.length;
      expect(cli.signal).toBeNull();
      expect([0, 2]).toContain(cli.status);
      const out = cli.stdout + cli.stderr;
      expect(out).not.toMatch(/at .*\.ts:\d+:\d+|TypeError|RangeError/);
      // Every file is accounted for: "ok", or its problems each prefixed with the file and a path.
      for (const file of batch) expect(out).toContain(`${file}: `);
    }
  }, 180_000);
});

describe('JSONata abuse in scenario expressions', () => {
  it('a runaway expression fails its run with the limit named; the other runs are unaffected', async () => {
    const abusive = {
      recursion: '($f := function($x) { $f($x + 1) }; $f(0))',
      range: '[1..100000000]',
      nesting: '('.repeat(1000) + '1' + ')'.repeat(1000),
      // Too deep even to parse: the validator names it, so the version cannot run (422).
      parse: '['.repeat(5000) + '1' + ']'.repeat(5000),
      loop: '($f := function($x) { $x > 0 ? $f($x - 1) : 0 }; [1..5000].$f(5000))',
    };
    for (const [name, expression] of Object.entries(abusive)) {
      const doc = { format: 'switchyard/scenario@1', id: `fz-abuse-${name}`, name, nodes: [{ id: 'start', type: 'trigger.manual', config: {} }, { id: 'abuse', type: 'transform', config: { expression } }], edges: [{ from: 'start', to: 'abuse' }] };
      const saved = await svc.call(`/api/scenarios/${doc.id}`, { method: 'PUT', body: doc });
      expectClientAnswer(`abuse ${name}`, saved);
    }
    const normal = () => svc.call('/api/scenarios/fz-run/runs?wait=true', { body: { n: 1 } });
    const [abuseRuns, normalRuns] = await Promise.all([
      Promise.all(Object.keys(abusive).map((name) => svc.call(`/api/scenarios/fz-abuse-${name}/runs?wait=true`, { body: {} }))),
      Promise.all(Array.from({ length: 20 }, normal)),
    ]);
    for (const [i, res] of abuseRuns.entries()) {
      const name = Object.keys(abusive)[i];
      // A document the validator already refuses (too deep to compile) cannot run: 422 naming it.
      if (res.status === 422) {
        expectClientAnswer(`abuse ${name}`, res);
        continue;
      }
      expect(res.status, name).toBe(200);
      expect(res.body.status, name).toBe('failed');
      const error = res.body.steps.find((s: any) => s.nodeId === 'abuse').error.message as string;
      expect(error, name).toMatch(/longer than \d+ ms|deeper than \d+ levels|too large|size of the sequence/i);
    }
    for (const res of normalRuns) expect(res.body.status).toBe('succeeded');
  }, 120_000);
});
