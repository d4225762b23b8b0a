/**
 * Run routes over real HTTP against the real in-process engine: start (202
 * and `?wait=true`), list with filters and cursor, get, cancel, retry,
 * resume, approvals, live events (SSE), artefacts and metrics.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorShape, scenarioDoc, startTestService, type TestService } from './harness';

let svc: TestService;
/** A stand-in for an outside API that fails its first call per key, then answers. */
let flaky: http.Server;
let flakyUrl: string;
const calls = new Map<string, number>();

beforeAll(async () => {
  svc = await startTestService();
  flaky = http.createServer((req, res) => {
    // A service that takes its time: a run calling it is in the middle of its first segment.
    if (req.url!.startsWith('/slow')) return void setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 500);
    const count = (calls.get(req.url!) ?? 0) + 1;
    calls.set(req.url!, count);
    res.writeHead(count === 1 ? 503 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ call: count }));
  });
  await new Promise<void>((r) => flaky.listen(0, '127.0.0.1', r));
  flakyUrl = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`;

  await svc.api('/api/scenarios', { body: scenarioDoc('double') });
  await svc.api('/api/scenarios', {
    body: scenarioDoc('slow', {
      nodes: [{ id: 'trigger', type: 'trigger.manual' }, { id: 'wait', type: 'delay', config: { ms: 600_000 } }] as any,
      edges: [{ from: 'trigger', to: 'wait' }],
    }),
  });
  await svc.api('/api/scenarios', {
    body: scenarioDoc('review', {
      nodes: [
        { id: 'trigger', type: 'trigger.manual' },
        { id: 'gate', type: 'approval', config: { reviewers: ['ada'], message: 'Activate the segment?' } },
        { id: 'activate', type: 'transform', config: { expression: '{ "activated": true, "by": input.by }' } },
      ] as any,
      edges: [{ from: 'trigger', to: 'gate' }, { from: 'gate', to: 'activate', fromHandle: 'approved' }],
    }),
  });
  await svc.api('/api/scenarios', {
    body: scenarioDoc('fragile', {
      nodes: [
        { id: 'trigger', type: 'trigger.manual' },
        { id: 'call', type: 'http.request', config: { method: 'GET', url: `${flakyUrl}/{{ input.key }}` }, onError: 'break' },
      ] as any,
      edges: [{ from: 'trigger', to: 'call' }],
    }),
  });
  await svc.api('/api/scenarios', {
    body: scenarioDoc('two-calls', {
      nodes: [
        { id: 'trigger', type: 'trigger.manual' },
        { id: 'first', type: 'http.request', config: { method: 'GET', url: `${flakyUrl}/slow/first` } },
        { id: 'second', type: 'http.request', config: { method: 'GET', url: `${flakyUrl}/slow/second` } },
      ] as any,
      edges: [{ from: 'trigger', to: 'first' }, { from: 'first', to: 'second' }],
    }),
  });
});

afterAll(async () => {
  await svc?.close();
  await new Promise((r) => flaky?.close(r));
});

/** Reads server-sent events until `until` says stop (or the stream ends). */
async function readEvents(url: string, until: (events: Array<{ event: string; data: any }>) => boolean, onOpen?: () => Promise<unknown>) {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal });
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const events: Array<{ event: string; data: any }> = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const opened = onOpen?.();
  try {
    while (!until(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const chunk = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = chunk.match(/^event: (.*)$/m)?.[1];
        const data = chunk.match(/^data: (.*)$/m)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    }
  } finally {
    controller.abort();
  }
  await opened;
  return events;
}

describe('starting and reading runs', () => {
  it('starts a run with the body as input (202 { runId }) and reads it with its steps', async () => {
    const started = await svc.api('/api/scenarios/double/runs', { body: { n: 21 } });
    expect(started.status).toBe(202);
    expect(typeof started.body.runId).toBe('string');
    const record = await svc.engine.waitForRun(started.body.runId, 10_000);
    expect(record?.status).toBe('succeeded');
    const got = await svc.api(`/api/runs/${started.body.runId}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: started.body.runId, scenarioId: 'double', version: 1, status: 'succeeded', input: { n: 21 } });
    expect(got.body.steps.find((s: any) => s.nodeId === 'double').output).toEqual({ n: 42 });
  });

  it('answers with the finished run when asked to wait', async () => {
    const res = await svc.api('/api/scenarios/double/runs?wait=true', { body: { n: 5 } });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('succeeded');
    expect(res.body.steps.map((s: any) => s.nodeId)).toEqual(['trigger', 'double']);
  });

  it('refuses an input that is not JSON with 415 naming both content types; an empty body without one is {}', async () => {
    const runsOfDouble = async () => (await svc.api('/api/runs?scenarioId=double&limit=500')).body.items.length;
    const before = await runsOfDouble();
    const text = await svc.api('/api/scenarios/double/runs', { raw: 'hi', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    const error = expectErrorShape(text.body);
    expect(error.code).toBe('unsupported_media_type');
    expect(error.message).toBe("The body is text/plain; the API takes application/json (with curl, add -H 'content-type: application/json')");
    expect(error.issues).toEqual([{ path: 'headers.content-type', message: 'Expected application/json, got text/plain' }]);
    const untyped = await svc.api('/api/scenarios/double/runs', { raw: Buffer.from('{"n":1}') });
    expect(untyped.status).toBe(415);
    expect(expectErrorShape(untyped.body).message).toMatch(/^The body has no content type; the API takes application\/json/);
    expect(await runsOfDouble()).toBe(before);

    // No body and no content type (curl -X POST): the input is an empty bundle, as before.
    const bare = await svc.api('/api/scenarios/double/runs?wait=true', { method: 'POST' });
    expect(bare.status).toBe(200);
    expect(bare.body.input).toEqual({});
  });

  it('refuses runs of unknown scenarios (404) and of versions with errors (422)', async () => {
    expect((await svc.api('/api/scenarios/nope/runs', { body: {} })).status).toBe(404);
    await svc.api('/api/scenarios', { body: scenarioDoc('broken', { nodes: [{ id: 'trigger', type: 'trigger.manual' }, { id: 'x', type: 'transform', config: {} }] as any, edges: [{ from: 'trigger', to: 'x' }] }) });
    const res = await svc.api('/api/scenarios/broken/runs', { body: {} });
    expect(res.status).toBe(422);
    expect(expectErrorShape(res.body).issues.some((i) => i.path.startsWith('nodes[1].config'))).toBe(true);
    expect((await svc.api('/api/runs/no-such-run')).status).toBe(404);
  });

  it('lists runs newest first, filtered, in pages joined by the cursor', async () => {
    await svc.api('/api/scenarios', { body: scenarioDoc('listed') });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await svc.api('/api/scenarios/listed/runs?wait=true', { body: { n: i } })).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: any = await svc.api(`/api/runs?scenarioId=listed&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((r: any) => r.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen)).toEqual(new Set(ids));
    expect(seen).toHaveLength(5);

    const succeeded = await svc.api('/api/runs?scenarioId=listed&status=succeeded&limit=100');
    expect(succeeded.body.items).toHaveLength(5);
    expect((await svc.api('/api/runs?scenarioId=listed&status=failed')).body.items).toHaveLength(0);

    const badStatus = await svc.api('/api/runs?status=exploded');
    expect(badStatus.status).toBe(400);
    expect(expectErrorShape(badStatus.body).issues[0].path).toBe('query.status');
    const badCursor = await svc.api('/api/runs?cursor=garbage');
    expect(badCursor.status).toBe(400);
    expect(expectErrorShape(badCursor.body).issues[0].path).toBe('query.cursor');
  });
});

describe('acting on runs', () => {
  it('cancels a waiting run', async () => {
    const { body } = await svc.api('/api/scenarios/slow/runs', { body: {} });
    // Parked on its delay: waitForRun settles by itself only on an approval (else after its whole timeout).
    expect((await svc.engine.waitForRun(body.runId, 10_000, { settle: (r) => r.status === 'waiting' }))?.status).toBe('waiting');
    const cancelled = await svc.api(`/api/runs/${body.runId}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
  });

  it('reads and cancels a run in the middle of its first steps', async () => {
    const { body } = await svc.api('/api/scenarios/two-calls/runs', { body: {} });
    const live = await svc.api(`/api/runs/${body.runId}`);
    expect(live.status).toBe(200);
    expect(['queued', 'running']).toContain(live.body.status);
    const cancelled = await svc.api(`/api/runs/${body.runId}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.steps.map((s: { nodeId: string }) => s.nodeId)).not.toContain('second');
  });

  it('cancels a run not in the store yet, in the middle of its first segment, answering its overview with ?steps=summary', async () => {
    const { body } = await svc.api('/api/scenarios/two-calls/runs', { body: {} });
    // The trigger's step is recorded as the first call starts; the call takes half a second.
    await expect.poll(async () => (await svc.api(`/api/runs/${body.runId}?steps=summary`)).body.steps?.length ?? 0).toBeGreaterThan(0);
    expect(await svc.store.getRunOverview(body.runId)).toBeUndefined();
    const cancelled = await svc.api(`/api/runs/${body.runId}/cancel?steps=summary`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.steps.map((s: { nodeId: string }) => s.nodeId)).toEqual(['trigger', 'first']);
    for (const step of cancelled.body.steps) expect(Object.keys(step)).toEqual(expect.arrayContaining(['inputBytes', 'outputBytes']));
    expect(cancelled.body.steps.filter((s: object) => 'input' in s || 'output' in s)).toEqual([]);
  });

  it('retries a run as a new run with the same input', async () => {
    const first = await svc.api('/api/scenarios/double/runs?wait=true', { body: { n: 7 } });
    const retried = await svc.api(`/api/runs/${first.body.id}/retry`, { method: 'POST' });
    expect(retried.status).toBe(202);
    expect(retried.body.runId).not.toBe(first.body.id);
    const record = await svc.engine.waitForRun(retried.body.runId, 10_000);
    expect(record).toMatchObject({ status: 'succeeded', input: { n: 7 }, parentRunId: first.body.id, trigger: 'retry' });
  });

  it('refuses to retry a run that has not finished (409 naming its status), and retries it once cancelled', async () => {
    const parked = { settle: (r: { status: string }) => r.status === 'waiting' };
    const { body } = await svc.api('/api/scenarios/slow/runs', { body: {} });
    expect((await svc.engine.waitForRun(body.runId, 10_000, parked))?.status).toBe('waiting');
    const before = (await svc.api('/api/runs?scenarioId=slow&limit=500')).body.items.length;
    const early = await svc.api(`/api/runs/${body.runId}/retry`, { method: 'POST' });
    expect(early.status).toBe(409);
    const error = expectErrorShape(early.body);
    expect(error.code).toBe('not_finished');
    expect(error.message).toContain(`run ${body.runId} is waiting`);
    // No second copy of the run was started beside it.
    expect((await svc.api('/api/runs?scenarioId=slow&limit=500')).body.items).toHaveLength(before);

    expect((await svc.api(`/api/runs/${body.runId}/cancel`, { method: 'POST' })).body.status).toBe('cancelled');
    const retried = await svc.api(`/api/runs/${body.runId}/retry`, { method: 'POST' });
    expect(retried.status).toBe(202);
    expect((await svc.engine.waitForRun(retried.body.runId, 10_000, parked))?.status).toBe('waiting');
    expect((await svc.api(`/api/runs/${retried.body.runId}/cancel`, { method: 'POST' })).body.status).toBe('cancelled');
  });

  it('resumes an incomplete run from the node that broke', async () => {
    const started = await svc.api('/api/scenarios/fragile/runs?wait=true', { body: { key: 'resume-me' } });
    expect(started.body.status).toBe('incomplete');
    const resumed = await svc.api(`/api/runs/${started.body.id}/resume`, { method: 'POST' });
    expect(resumed.status).toBe(200);
    const final = await svc.engine.waitForRun(started.body.id, 10_000, { untilFinal: true });
    expect(final?.status).toBe('succeeded');
    expect(final?.steps.filter((s) => s.nodeId === 'call').at(-1)?.output).toMatchObject({ status: 200, body: { call: 2 } });
    // The run history says so too, for when the live state is gone.
    expect((await svc.store.getRun(started.body.id))?.status).toBe('succeeded');

    const again = await svc.api(`/api/runs/${started.body.id}/resume`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(expectErrorShape(again.body).code).toBe('not_incomplete');
  });

  it('takes an approval decision with reviewer and comment, and streams the run live', async () => {
    const started = await svc.api('/api/scenarios/review/runs?wait=true', { body: { segment: 'vip' } });
    expect(started.status).toBe(202);
    expect(started.body.status).toBe('waiting');
    const runId = started.body.runId;

    const badDecision = await svc.api(`/api/runs/${runId}/approvals/gate`, { body: { decision: 'maybe' } });
    expect(badDecision.status).toBe(400);
    expect(expectErrorShape(badDecision.body).issues.map((i) => i.path)).toEqual(expect.arrayContaining(['body.decision', 'body.by']));
    const wrongNode = await svc.api(`/api/runs/${runId}/approvals/activate`, { body: { decision: 'approved', by: 'ada' } });
    expect(wrongNode.status).toBe(409);

    const events = await readEvents(
      `${svc.url}/api/runs/${runId}/events`,
      (list) => list.some((e) => e.event === 'run.finished'),
      async () => {
        // Decide once the stream is open, so its events arrive live.
        await new Promise((r) => setTimeout(r, 200));
        const decided = await svc.api(`/api/runs/${runId}/approvals/gate`, { body: { decision: 'approved', by: 'ada', comment: 'Looks right' } });
        expect(decided.status).toBe(200);
      },
    );
    expect(events[0].event).toBe('snapshot');
    expect(events[0].data.status).toBe('waiting');
    const finished = events.find((e) => e.event === 'step.finished' && e.data.nodeId === 'activate');
    expect(finished?.data).toMatchObject({ status: 'succeeded', bundles: 1 });
    expect(events.at(-1)).toMatchObject({ event: 'run.finished', data: { status: 'succeeded' } });

    const record = (await svc.api(`/api/runs/${runId}`)).body;
    expect(record.steps.find((s: any) => s.nodeId === 'gate').output).toMatchObject({ decision: 'approved', by: 'ada', comment: 'Looks right' });
  });

  it('refuses a decision from someone the approval does not name (403), and the run keeps waiting', async () => {
    const started = await svc.api('/api/scenarios/review/runs?wait=true', { body: { segment: 'lapsed' } });
    expect(started.body.status).toBe('waiting');
    const runId = started.body.runId;

    const outsider = await svc.api(`/api/runs/${runId}/approvals/gate`, { body: { decision: 'approved', by: 'mallory' } });
    expect(outsider.status).toBe(403);
    const error = expectErrorShape(outsider.body);
    expect(error.code).toBe('not_a_reviewer');
    expect(error.message).toBe('Only ada may decide the approval at "gate"; "mallory" is not one of its reviewers');
    expect(error.issues[0].path).toBe('body.by');
    const still = await svc.api(`/api/runs/${runId}`);
    expect(still.body.status).toBe('waiting');
    expect(still.body.steps.map((s: any) => s.nodeId)).not.toContain('activate');

    // The named reviewer, typed with a capital, decides.
    const decided = await svc.api(`/api/runs/${runId}/approvals/gate`, { body: { decision: 'approved', by: ' Ada ' } });
    expect(decided.status).toBe(200);
    const final = await svc.engine.waitForRun(runId, 10_000, { untilFinal: true });
    expect(final?.status).toBe('succeeded');
    expect(final?.steps.find((s) => s.nodeId === 'activate')?.output).toEqual({ activated: true, by: 'Ada' });
  });

  it("streams a scenario's runs as they happen", async () => {
    const events = await readEvents(
      `${svc.url}/api/scenarios/double/events`,
      (list) => list.some((e) => e.event === 'run.finished'),
      async () => {
        await new Promise((r) => setTimeout(r, 200));
        await svc.api('/api/scenarios/double/runs', { body: { n: 1 } });
      },
    );
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['run.started', 'step.finished', 'run.finished']));
    expect(events.every((e) => e.data.scenarioId === 'double')).toBe(true);
  });
});

describe('artefacts and metrics', () => {
  it("serves a run's artefact with its content type, sandboxed", async () => {
    const run = await svc.api('/api/scenarios/double/runs?wait=true', { body: { n: 1 } });
    await svc.store.putArtifact(run.body.id, { name: 'report.html', contentType: 'text/html; charset=utf-8', body: Buffer.from('<h1>Segments</h1>') });
    const res = await fetch(`${svc.url}/api/runs/${run.body.id}/artifacts/report.html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/sandbox/);
    expect(await res.text()).toBe('<h1>Segments</h1>');
    const list = await svc.api(`/api/runs/${run.body.id}/artifacts`);
    expect(list.body.items).toMatchObject([{ name: 'report.html', size: 17 }]);
    const missing = await svc.api(`/api/runs/${run.body.id}/artifacts/other.csv`);
    expect(missing.status).toBe(404);
    expectErrorShape(missing.body);
  });

  it('answers 404 for the artefacts of a run that does not exist, as for the run itself', async () => {
    const res = await svc.api('/api/runs/nope/artifacts');
    expect(res.status).toBe(404);
    expect(expectErrorShape(res.body)).toMatchObject({ code: 'not_found', message: 'Run "nope" not found' });
  });

  it('exposes run, step and queue metrics for Prometheus', async () => {
    await svc.api('/api/scenarios/double/runs?wait=true', { body: { n: 3 } });
    const res = await fetch(`${svc.url}/metrics`);
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toMatch(/switchyard_runs_finished_total\{status="succeeded"\} [1-9]/);
    expect(text).toMatch(/switchyard_steps_total\{status="succeeded",node_type="transform"\} [1-9]/);
    expect(text).toMatch(/switchyard_step_duration_seconds_count\{node_type="transform"\} [1-9]/);
    expect(text).toMatch(/switchyard_queue_depth \d/);
  });

  it('names the process metrics switchyard_process_* and switchyard_nodejs_*, without a doubled prefix', async () => {
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    expect(text).toMatch(/^switchyard_process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^switchyard_process_resident_memory_bytes \d/m);
    expect(text).toMatch(/^switchyard_nodejs_heap_size_used_bytes \d/m);
    expect(text).not.toContain('switchyard_process_process_');
    expect(text).not.toContain('switchyard_process_nodejs_');
  });
});
