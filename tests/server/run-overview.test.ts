/**
 * A run's overview and its steps one at a time, over real HTTP against the
 * real engine and store: `GET /api/runs/:id?steps=summary` answers the record
 * with each step's status, port, error, note, timings, attempts, bundle counts
 * and byte sizes but none of the bundles — a small fraction of a record whose
 * steps carry megabytes — and `GET /api/runs/:id/steps/:stepId` answers one
 * step whole; secrets stay redacted in both, and both need the API token.
 * Cancelling, resuming and deciding answer the overview too, with
 * `?steps=summary`, after the action has taken effect — in BullMQ mode as
 * well, for a run that is still only a queued job.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../../nodes';
import { Engine } from '../../engine/runtime/engine';
import { createServer } from '../../engine/server/create-server';
import { openStore } from '../../engine/store';
import { apiCall } from '../support/api-client';
import { startRedis } from '../support/redis-server';
import { expectErrorShape, scenarioDoc, startTestService, type TestService } from './harness';

const SECRET = 'sk-live-overview-5e4d3c2b1a';
let svc: TestService;
/**
 * A stand-in API: `/slow` answers after half a second; `/fail` answers 500; `/flaky/…` answers 503 the first time
 * it is called at a path, then 200; anything else echoes the request's headers.
 */
let standIn: http.Server;
let standInUrl: string;
const flakyCalled = new Set<string>();

beforeAll(async () => {
  svc = await startTestService();
  standIn = http.createServer((req, res) => {
    if (req.url!.startsWith('/slow')) return void setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"slow":true}'), 500);
    if (req.url!.startsWith('/fail')) return void res.writeHead(500, { 'content-type': 'text/plain' }).end('down');
    if (req.url!.startsWith('/flaky')) {
      const first = !flakyCalled.has(req.url!);
      flakyCalled.add(req.url!);
      return void res.writeHead(first ? 503 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ first }));
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ youSent: req.headers }));
  });
  await new Promise<void>((r) => standIn.listen(0, '127.0.0.1', r));
  standInUrl = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;

  await svc.api('/api/scenarios', {
    body: scenarioDoc('big-review', {
      nodes: [
        { id: 'trigger', type: 'trigger.manual' },
        // About 1.5 MB of customers, then a second data set made from them: steps as heavy as the segmentation review's.
        { id: 'load', type: 'transform', config: { expression: '{ "customers": [1..20000].{ "id": "C-" & $string($), "name": "Customer number " & $string($), "spend": $ * 3 } }' } },
        { id: 'score', type: 'transform', config: { expression: '{ "scores": input.customers.{ "id": id, "score": spend / 7 } }' } },
        // Passes its bundle on: its input and output are the very object `score` put out.
        { id: 'check', type: 'transform', config: { expression: 'input' } },
        { id: 'each', type: 'iterator', config: { items: '[1, 2, 3]' } },
        { id: 'gate', type: 'approval', config: { reviewers: ['ada'], message: 'Activate?' } },
      ] as any,
      edges: [{ from: 'trigger', to: 'load' }, { from: 'load', to: 'score' }, { from: 'score', to: 'check' }, { from: 'check', to: 'each' }, { from: 'check', to: 'gate' }],
    }),
  });
  await svc.api('/api/scenarios', {
    body: scenarioDoc('big-then-flaky', {
      nodes: [
        { id: 'trigger', type: 'trigger.manual' },
        { id: 'load', type: 'transform', config: { expression: '{ "customers": [1..5000].{ "id": "C-" & $string($), "spend": $ * 3 } }' } },
        // Breaks the first time (503), so the run is incomplete; resumed, it goes through.
        { id: 'call', type: 'http.request', config: { method: 'GET', url: `${standInUrl}/flaky/{{ trigger.key }}` }, onError: 'break' },
      ] as any,
      edges: [{ from: 'trigger', to: 'load' }, { from: 'load', to: 'call' }],
    }),
  });
  await svc.api('/api/scenarios', {
    body: scenarioDoc('slow-call', {
      nodes: [
        { id: 'trigger', type: 'trigger.manual' },
        { id: 'call', type: 'http.request', config: { method: 'GET', url: `${standInUrl}/slow` } },
      ] as any,
      edges: [{ from: 'trigger', to: 'call' }],
    }),
  });
});

afterAll(async () => {
  await svc?.close();
  await new Promise((r) => standIn?.close(r));
});

/** Polls the full record until `holds` is true of it. */
async function until(runId: string, holds: (run: any) => boolean, timeoutMs = 30_000): Promise<any> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await svc.api(`/api/runs/${runId}`);
    if (body?.steps && holds(body)) return body;
    if (Date.now() > end) throw new Error(`run ${runId} did not get there: ${JSON.stringify(body).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const bytes = (value: unknown) => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value)));

/** What the overview should say of a step of the full record. */
function summaryOf(step: any) {
  const { input, output, ...rest } = step;
  return { ...rest, bundlesIn: input === undefined ? 0 : 1, bundlesOut: output === undefined ? 0 : Array.isArray(output) ? output.length : 1, inputBytes: bytes(input), outputBytes: bytes(output) };
}

function expectOverviewOf(overview: any, full: any) {
  const { output: _output, steps, ...run } = full;
  expect(overview).toEqual({ ...run, steps: steps.map(summaryOf) });
  for (const step of overview.steps) {
    expect(step).not.toHaveProperty('input');
    expect(step).not.toHaveProperty('output');
  }
  expect(overview).not.toHaveProperty('output');
}

describe('a run overview (GET /api/runs/:id?steps=summary)', () => {
  let runId: string;
  let full: any;
  let fullText: string;

  beforeAll(async () => {
    runId = (await svc.api('/api/scenarios/big-review/runs', { body: {} })).body.runId;
    await until(runId, (r) => r.status === 'waiting');
    const answer = await svc.api(`/api/runs/${runId}`);
    full = answer.body;
    fullText = answer.text;
  });

  it('has every step with its status, timings and sizes, but no input or output', async () => {
    expect(full.steps.map((s: any) => s.nodeId)).toEqual(['trigger', 'load', 'score', 'check', 'each', 'gate'].slice(0, full.steps.length));
    const { status, body } = await svc.api(`/api/runs/${runId}?steps=summary`);
    expect(status).toBe(200);
    expect(body.status).toBe('waiting');
    expect(body.waits).toEqual([expect.objectContaining({ nodeId: 'gate', kind: 'approval', reviewers: ['ada'] })]);
    expectOverviewOf(body, full);
    const load = body.steps.find((s: any) => s.nodeId === 'load');
    expect(load.outputBytes).toBeGreaterThan(1_000_000);
    // The pass-through step's bundle is stored once, and still measured as the step's own input and output.
    const check = body.steps.find((s: any) => s.nodeId === 'check');
    expect(check.inputBytes).toBe(check.outputBytes);
    expect(check.inputBytes).toBe(body.steps.find((s: any) => s.nodeId === 'score').outputBytes);
    expect(body.steps.find((s: any) => s.nodeId === 'each')).toMatchObject({ bundlesIn: 1, bundlesOut: 3 });
  });

  it('is a small fraction of the full record', async () => {
    const { text } = await svc.api(`/api/runs/${runId}?steps=summary`);
    expect(fullText.length).toBeGreaterThan(3_000_000);
    expect(text.length).toBeLessThan(5_000);
    expect(text.length * 500).toBeLessThan(fullText.length);
  });

  it('leaves the default answer as it was: the full record, and ?steps=full says so too', async () => {
    const again = await svc.api(`/api/runs/${runId}?steps=full`);
    expect(again.text).toBe(fullText);
    expect(full.steps.find((s: any) => s.nodeId === 'load').output.customers).toHaveLength(20_000);
    const bad = await svc.api(`/api/runs/${runId}?steps=some`);
    expect(bad.status).toBe(400);
    expect(expectErrorShape(bad.body).issues[0].path).toBe('query.steps');
  });

  it('answers one step in full, input and output', async () => {
    for (const [index, step] of full.steps.entries()) {
      const { status, body } = await svc.api(`/api/runs/${runId}/steps/${step.id}`);
      expect(status).toBe(200);
      expect(body).toEqual(step);
      expect((await svc.api(`/api/runs/${runId}/steps/${step.id}?index=${index}`)).body).toEqual(step);
    }
  });

  it('answers 404 with the error shape for an unknown run or step', async () => {
    for (const path of ['/api/runs/no-such-run?steps=summary', '/api/runs/no-such-run/steps/s1', `/api/runs/${runId}/steps/no-such-step`, `/api/runs/${runId}/steps/${full.steps[1].id}?index=0`]) {
      const { status, body } = await svc.api(path);
      expect(status, path).toBe(404);
      expect(expectErrorShape(body).code).toBe('not_found');
    }
    const bad = await svc.api(`/api/runs/${runId}/steps/${full.steps[0].id}?index=first`);
    expect(bad.status).toBe(400);
    expect(expectErrorShape(bad.body).issues[0].path).toBe('query.index');
  });

  it('follows the run on: after the decision the overview is the finished run', async () => {
    await svc.api(`/api/runs/${runId}/approvals/gate`, { body: { decision: 'approved', by: 'ada' } });
    const finished = await until(runId, (r) => r.status === 'succeeded');
    const { body } = await svc.api(`/api/runs/${runId}?steps=summary`);
    expectOverviewOf(body, finished);
    expect(body.steps.at(-1)).toMatchObject({ nodeId: 'gate', status: 'succeeded', port: 'approved' });
  });

  it('streams the overview as the snapshot of the run events with ?steps=summary', async () => {
    const res = await fetch(`${svc.url}/api/runs/${runId}/events?steps=summary`);
    const text = await res.text();
    const snapshot = JSON.parse(/event: snapshot\ndata: (.*)\n/.exec(text)![1]);
    expectOverviewOf(snapshot, (await svc.api(`/api/runs/${runId}`)).body);
  });
});

describe('the overview of a run in the middle of a segment', () => {
  it('is cut from the live run: its status and the steps so far', async () => {
    const runId = (await svc.api('/api/scenarios/slow-call/runs', { body: {} })).body.runId;
    // The trigger's step is recorded as the call starts; the call takes half a second.
    const live = await until(runId, (r) => r.status === 'running' && r.steps.length === 1, 5_000);
    const { body } = await svc.api(`/api/runs/${runId}?steps=summary`);
    expect(body.status).toBe('running');
    expectOverviewOf(body, live);
    expect((await svc.api(`/api/runs/${runId}/steps/${live.steps[0].id}`)).body).toEqual(live.steps[0]);
    const done = await until(runId, (r) => r.status === 'succeeded');
    expectOverviewOf((await svc.api(`/api/runs/${runId}?steps=summary`)).body, done);
  });
});

/** Expects an overview's steps to carry their sizes and counts but none of their bundles. */
function expectSummarized(overview: any) {
  expect(overview).not.toHaveProperty('output');
  for (const step of overview.steps) {
    expect(step).not.toHaveProperty('input');
    expect(step).not.toHaveProperty('output');
    expect(step).toEqual(expect.objectContaining({ inputBytes: expect.any(Number), outputBytes: expect.any(Number), bundlesIn: expect.any(Number), bundlesOut: expect.any(Number) }));
  }
}

describe('cancel, resume and decide with ?steps=summary', () => {
  const startWaiting = async () => {
    const runId = (await svc.api('/api/scenarios/big-review/runs', { body: {} })).body.runId;
    await until(runId, (r) => r.status === 'waiting');
    return runId;
  };

  it('decide answers the overview after the decision, and the run goes on along "approved"', async () => {
    const runId = await startWaiting();
    const decided = await svc.api(`/api/runs/${runId}/approvals/gate?steps=summary`, { body: { decision: 'approved', by: 'ada', comment: 'Go' } });
    expect(decided.status).toBe(200);
    expectSummarized(decided.body);
    expect(decided.text.length).toBeLessThan(5_000);
    expect(decided.body.steps.find((s: any) => s.nodeId === 'load').outputBytes).toBeGreaterThan(1_000_000);
    expect(decided.body.steps.at(-1)).toMatchObject({ nodeId: 'gate', status: 'succeeded', port: 'approved' });
    expect(decided.body.waits).toEqual([]);
    const finished = await until(runId, (r) => r.status === 'succeeded');
    expect(finished.steps.at(-1).output).toMatchObject({ decision: 'approved', by: 'ada', comment: 'Go' });
    expectOverviewOf(decided.body, finished);
  });

  it('cancel answers the overview of the cancelled run', async () => {
    const runId = await startWaiting();
    const cancelled = await svc.api(`/api/runs/${runId}/cancel?steps=summary`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expectSummarized(cancelled.body);
    expect(cancelled.text.length).toBeLessThan(5_000);
    expectOverviewOf(cancelled.body, (await svc.api(`/api/runs/${runId}`)).body);
  });

  it('resume answers the overview after the resume, and the run goes through', async () => {
    const started = await svc.api('/api/scenarios/big-then-flaky/runs?wait=true', { body: { key: 'resume-summary' } });
    expect(started.body.status).toBe('incomplete');
    const resumed = await svc.api(`/api/runs/${started.body.id}/resume?steps=summary`, { method: 'POST', body: {} });
    expect(resumed.status).toBe(200);
    expectSummarized(resumed.body);
    expect(resumed.body.steps.find((s: any) => s.nodeId === 'load').outputBytes).toBeGreaterThan(100_000);
    // The broken call, then the call run again.
    expect(resumed.body.steps.filter((s: any) => s.nodeId === 'call').map((s: any) => s.status)).toEqual(['broken', 'succeeded']);
    const final = await until(started.body.id, (r) => r.status === 'succeeded');
    expect(final.steps.at(-1).output).toMatchObject({ status: 200, body: { first: false } });
    expect(resumed.text.length * 20).toBeLessThan(JSON.stringify(final).length);
  });

  it('without the query, the actions answer the whole record as before', async () => {
    const runId = await startWaiting();
    const decided = await svc.api(`/api/runs/${runId}/approvals/gate`, { body: { decision: 'rejected', by: 'ada' } });
    expect(decided.status).toBe(200);
    expect(decided.body.steps.find((s: any) => s.nodeId === 'load').output.customers).toHaveLength(20_000);
    expect(decided.body.steps.at(-1)).toMatchObject({ nodeId: 'gate', status: 'succeeded', port: 'rejected', output: { decision: 'rejected', by: 'ada' } });
  });

  it('refuses another steps value with a 400 naming query.steps, and does nothing', async () => {
    const runId = await startWaiting();
    for (const [path, body] of [[`/api/runs/${runId}/cancel?steps=bogus`, {}], [`/api/runs/${runId}/resume?steps=bogus`, {}], [`/api/runs/${runId}/approvals/gate?steps=bogus`, { decision: 'approved', by: 'ada' }]] as const) {
      const bad = await svc.api(path, { body });
      expect(bad.status, path).toBe(400);
      expect(expectErrorShape(bad.body).issues.map((i) => i.path), path).toEqual(['query.steps']);
    }
    const still = await svc.api(`/api/runs/${runId}?steps=summary`);
    expect(still.body.status).toBe('waiting');
    expect(still.body.waits).toEqual([expect.objectContaining({ nodeId: 'gate', kind: 'approval' })]);
  });

  it('answers an unknown run with the same 404 as before, with or without the query', async () => {
    for (const action of ['cancel', 'resume', 'approvals/gate']) {
      for (const query of ['', '?steps=summary']) {
        const path = `/api/runs/no-such-run/${action}${query}`;
        const { status, body } = await svc.api(path, { body: { decision: 'approved', by: 'ada' } });
        expect(status, path).toBe(404);
        expect(expectErrorShape(body), path).toEqual({ code: 'not_found', message: 'Run "no-such-run" not found', issues: [] });
      }
    }
  });
});

describe('an action on a run BullMQ still holds as a queued job only', () => {
  it('finds the run, acts on it and answers its overview', async () => {
    const redis = await startRedis();
    const store = await openStore({ memory: true });
    const registry = await createRegistry();
    const engine = await Engine.create({ registry, scenarios: store, history: store, redisUrl: redis.url, queuePrefix: '{run-actions}', allowHosts: ['127.0.0.1'] });
    const server = await createServer({ store, engine, registry, editorDir: false, apiToken: '', env: {} });
    const url = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
    try {
      await apiCall(url, '/api/scenarios', {
        body: scenarioDoc('queued-review', {
          nodes: [{ id: 'trigger', type: 'trigger.manual' }, { id: 'gate', type: 'approval', config: { reviewers: ['ada'] } }] as any,
          edges: [{ from: 'trigger', to: 'gate' }],
        }),
      });
      // No worker yet: the run is its job in Redis and nothing else.
      const runId = (await apiCall(url, '/api/scenarios/queued-review/runs', { body: {} })).body.runId;
      expect(await store.getRunOverview(runId)).toBeUndefined();
      const resume = await apiCall(url, `/api/runs/${runId}/resume?steps=summary`, { body: {} });
      expect(resume.status).toBe(409);
      expect(expectErrorShape(resume.body)).toMatchObject({ code: 'not_incomplete', message: expect.stringContaining(`run ${runId} is queued`) });
      const decide = await apiCall(url, `/api/runs/${runId}/approvals/gate?steps=summary`, { body: { decision: 'approved', by: 'ada' } });
      expect(decide.status).toBe(409);
      expect(expectErrorShape(decide.body).code).toBe('not_waiting');

      // Cancelled as it is taken from the queue (or just after, parked at the gate): either way it ends cancelled.
      const cancelling = apiCall(url, `/api/runs/${runId}/cancel?steps=summary`, { body: {} });
      await engine.startWorker({ concurrency: 1 });
      const cancelled = await cancelling;
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ id: runId, status: 'cancelled' });
      expectSummarized(cancelled.body);
      expect((await apiCall(url, `/api/runs/${runId}`)).body.status).toBe('cancelled');
    } finally {
      await server.close();
      await engine.close();
      await store.close();
      await redis.close();
    }
  }, 30_000);
});

describe('secrets in an overview and a step', () => {
  it('stay redacted as in the full record', async () => {
    await svc.api('/api/secrets/OVERVIEW_TOKEN', { method: 'PUT', body: { value: SECRET } });
    await svc.api('/api/scenarios', {
      body: scenarioDoc('leaky', {
        nodes: [
          { id: 'trigger', type: 'trigger.manual' },
          // The stand-in echoes the header back: the secret comes back in the output.
          { id: 'echo', type: 'http.request', config: { method: 'GET', url: `${standInUrl}/me`, headers: { authorization: 'Bearer {{ secrets.OVERVIEW_TOKEN }}' } } },
          // The failing call's error names its URL, secret and all.
          { id: 'fail', type: 'http.request', config: { method: 'GET', url: `${standInUrl}/fail/{{ secrets.OVERVIEW_TOKEN }}` }, onError: 'ignore' },
        ] as any,
        edges: [{ from: 'trigger', to: 'echo' }, { from: 'echo', to: 'fail' }],
      }),
    });
    const runId = (await svc.api('/api/scenarios/leaky/runs', { body: {} })).body.runId;
    const full = await until(runId, (r) => r.status === 'succeeded');
    expect(JSON.stringify(full)).toContain('[redacted]');
    const overview = await svc.api(`/api/runs/${runId}?steps=summary`);
    expectOverviewOf(overview.body, full);
    expect(overview.text).not.toContain(SECRET);
    expect(overview.body.steps.find((s: any) => s.nodeId === 'fail').error.message).toContain('[redacted]');
    const echo = await svc.api(`/api/runs/${runId}/steps/${full.steps.find((s: any) => s.nodeId === 'echo').id}`);
    expect(echo.text).not.toContain(SECRET);
    expect(echo.body.output.body.youSent.authorization).toBe('Bearer [redacted]');
  });
});

describe('with SWITCHYARD_API_TOKEN set', () => {
  it('the overview and the step route need the token like the rest of /api', async () => {
    const locked = await startTestService({ apiToken: 'overview-test-token' });
    try {
      const auth = { authorization: 'Bearer overview-test-token' };
      await locked.api('/api/scenarios', { body: scenarioDoc('double'), headers: auth });
      const { body } = await locked.api('/api/scenarios/double/runs?wait=true', { body: { n: 2 }, headers: auth });
      const stepId = body.steps[1].id;
      for (const path of [`/api/runs/${body.id}?steps=summary`, `/api/runs/${body.id}/steps/${stepId}`]) {
        const refused = await locked.api(path);
        expect(refused.status, path).toBe(401);
        expectErrorShape(refused.body);
        expect((await locked.api(path, { headers: auth })).status, path).toBe(200);
      }
      expect((await locked.api(`/api/runs/${body.id}/steps/${stepId}`, { headers: auth })).body.output).toEqual({ n: 4 });
    } finally {
      await locked.close();
    }
  });
});
