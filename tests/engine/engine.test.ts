/**
 * The engine's behaviour, run on both queue drivers: routing, loops over
 * data, merges, error handling, retries, waits, approvals, cancel, resume.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, DRIVERS, scenario, type Harness } from '../support/engine-harness';
import { startRecordingServer, type RecordingServer } from '../support/recording-server';
import type { RunEvent, RunRecord } from '../../engine/runtime/types';
import { createRegistry } from '../../nodes';
import { defineNode, template, z } from '../../nodes/sdk';

const trigger = { id: 't', type: 'trigger.manual' };
const stepsOf = (record: RunRecord | undefined, nodeId: string) => record!.steps.filter((s) => s.nodeId === nodeId);

describe.each(DRIVERS)('engine on the %s driver', (driver) => {
  let harness: Harness;
  let stand: RecordingServer;

  beforeAll(async () => {
    harness = await createHarness(driver);
    stand = await startRecordingServer();
  });
  afterAll(async () => {
    await harness.close();
    await stand.close();
  });

  /** Starts a run and returns it once it is final, waits for a person, or (with `parked`) waits at all. */
  async function runOnce(doc: ReturnType<typeof scenario>, input: unknown, secrets?: Record<string, string>, parked = false) {
    const engine = await harness.engine([doc], { secrets });
    // Watched from before it starts, as the editor watches a run: the live steps that finished, in order.
    const finished: Array<Extract<RunEvent, { type: 'step.finished' }>> = [];
    engine.events.subscribe((e) => { if (e.type === 'step.finished') finished.push(e); });
    const runId = await engine.startRun({ scenarioId: doc.id, version: 1, input });
    const settle = parked ? (r: RunRecord) => r.status !== 'queued' && r.status !== 'running' : undefined;
    return { engine, runId, record: await engine.waitForRun(runId, 30_000, { settle }), finished };
  }

  it('routes by the label shorthand: the first matching edge, else the fallback', async () => {
    const doc = scenario(
      'confidence',
      [trigger, { id: 'r', type: 'router', config: { subject: 'input.confidence' } }, { id: 'hi', type: 'transform', config: { expression: '"personalized"' } }, { id: 'mid', type: 'transform', config: { expression: '"also high"' } }, { id: 'lo', type: 'transform', config: { expression: '"default"' } }],
      [{ from: 't', to: 'r' }, { from: 'r', to: 'hi', label: '> 0.7' }, { from: 'r', to: 'mid', label: '>= 0.5' }, { from: 'r', to: 'lo', label: 'else' }],
    );
    const high = await runOnce(doc, { confidence: 0.9 });
    expect(high.record!.status).toBe('succeeded');
    expect(high.record!.steps.map((s) => s.nodeId)).toEqual(['t', 'r', 'hi']);
    expect(high.record!.output).toBe('personalized');
    const low = await runOnce(doc, { confidence: 0.2 });
    expect(low.record!.steps.map((s) => s.nodeId)).toEqual(['t', 'r', 'lo']);
  });

  it('mode "all" takes every matching edge; plain-text labels compare with value', async () => {
    const doc = scenario(
      'event-type',
      [trigger, { id: 'r', type: 'router', config: { subject: 'input.type', mode: 'all' } }, { id: 'page', type: 'transform', config: { expression: '"page"' } }, { id: 'any', type: 'transform', config: { expression: '"any"' }, }, { id: 'buy', type: 'transform', config: { expression: '"purchase"' } }],
      [{ from: 't', to: 'r' }, { from: 'r', to: 'page', label: 'page' }, { from: 'r', to: 'any', when: '$exists(value)' }, { from: 'r', to: 'buy', label: 'purchase' }],
    );
    const { record } = await runOnce(doc, { type: 'page' });
    expect(record!.steps.map((s) => s.nodeId).sort()).toEqual(['any', 'page', 'r', 't']);
  });

  it('says so when a bundle matches no route', async () => {
    const doc = scenario('no-route', [trigger, { id: 'r', type: 'router', config: { subject: 'input.type' } }, { id: 'a', type: 'transform', config: { expression: '1' } }], [{ from: 't', to: 'r' }, { from: 'r', to: 'a', label: 'signup' }]);
    const { record } = await runOnce(doc, { type: 'page' });
    expect(record!.status).toBe('succeeded');
    expect(stepsOf(record, 'r')[0].note).toMatch(/no route matched/i);
    expect(stepsOf(record, 'a')).toHaveLength(0);
  });

  it('iterates an array and aggregates the bundles of that iteration back into one', async () => {
    const doc = scenario(
      'loop',
      [
        trigger,
        { id: 'it', type: 'iterator', config: { items: 'input.variants' } },
        { id: 'score', type: 'transform', config: { expression: '{ "id": input.id, "score": input.clicks / 10 }' } },
        { id: 'agg', type: 'aggregator', config: { iterator: 'it', value: 'input.score' } },
        { id: 'best', type: 'transform', config: { expression: '$max(input.items)' } },
      ],
      [{ from: 't', to: 'it' }, { from: 'it', to: 'score' }, { from: 'score', to: 'agg' }, { from: 'agg', to: 'best' }],
    );
    const { record } = await runOnce(doc, { variants: [{ id: 'a', clicks: 3 }, { id: 'b', clicks: 9 }, { id: 'c', clicks: 5 }] });
    expect(record!.status).toBe('succeeded');
    expect(stepsOf(record, 'score')).toHaveLength(3);
    expect(stepsOf(record, 'agg')).toHaveLength(1);
    expect(stepsOf(record, 'agg')[0].output).toEqual({ items: [0.3, 0.9, 0.5] });
    expect(record!.output).toBe(0.9);
  });

  it('merge waits for every branch that can still arrive, and only those', async () => {
    const doc = scenario(
      'fan-in',
      [
        trigger,
        { id: 'a', type: 'transform', config: { expression: '"A"' } },
        { id: 'r', type: 'router', config: { subject: 'input.go' } },
        { id: 'b', type: 'transform', config: { expression: '"B"' } },
        { id: 'c', type: 'transform', config: { expression: '"C"' } },
        { id: 'm', type: 'merge' },
      ],
      [{ from: 't', to: 'a' }, { from: 't', to: 'r' }, { from: 'r', to: 'b', label: 'b' }, { from: 'r', to: 'c', label: 'c' }, { from: 'a', to: 'm' }, { from: 'b', to: 'm' }, { from: 'c', to: 'm' }],
    );
    const { record } = await runOnce(doc, { go: 'b' });
    expect(stepsOf(record, 'm')).toHaveLength(1);
    expect(record!.output).toEqual({ inputs: { a: 'A', b: 'B' } });
  });

  it('expressions see trigger, steps along the lineage, vars and run', async () => {
    const doc = scenario(
      'scope',
      [trigger, { id: 'p', type: 'transform', config: { expression: '{ "user": input.user }' } }, { id: 'q', type: 'transform', config: { expression: '{ "from": steps.p.output.user, "first": trigger.user, "env": vars.REGION, "run": run.scenarioId }' } }],
      [{ from: 't', to: 'p' }, { from: 'p', to: 'q' }],
      { settings: { vars: { REGION: 'eu' } } },
    );
    const { record } = await runOnce(doc, { user: 'u1' });
    expect(record!.output).toEqual({ from: 'u1', first: 'u1', env: 'eu', run: 'scope' });
  });

  it('retries with growing delays and succeeds on attempt 3, with one idempotency key', async () => {
    stand.script(`/${driver}/flaky`, { failTimes: 2 });
    const doc = scenario(
      'flaky',
      [trigger, { id: 'call', type: 'http.request', config: { method: 'POST', url: `${stand.url}/${driver}/flaky`, body: 'input' }, retry: { attempts: 3, delayMs: 200, backoff: 'exponential' } }],
      [{ from: 't', to: 'call' }],
    );
    const { record } = await runOnce(doc, { n: 1 });
    expect(record!.status).toBe('succeeded');
    expect(stepsOf(record, 'call')[0].attempts).toBe(3);
    const calls = stand.requests.filter((r) => r.path === `/${driver}/flaky`);
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.idempotencyKey)).size).toBe(1);
    // Exponential with equal jitter: the first wait lies in [100, 200] ms, the second in [200, 400] ms.
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(100);
    expect(calls[2].at - calls[1].at).toBeGreaterThanOrEqual(200);
  });

  describe('a step that always fails', () => {
    const failing = (onError: string, extra: Record<string, unknown> = {}) =>
      scenario(
        `fails-${onError}`,
        [trigger, { id: 'call', type: 'http.request', config: { url: `${stand.url}/down` }, onError, ...extra } as any, { id: 'after', type: 'transform', config: { expression: '{ "got": input }' } }],
        [{ from: 't', to: 'call' }, { from: 'call', to: 'after' }],
      );
    beforeAll(() => stand.script('/down', { alwaysStatus: 503 }));

    it('onError "fail" fails the run and names the node and the status', async () => {
      const { record } = await runOnce(failing('fail'), {});
      expect(record!.status).toBe('failed');
      expect(record!.error!.nodeId).toBe('call');
      expect(record!.error!.message).toMatch(/503/);
      expect(stepsOf(record, 'after')).toHaveLength(0);
    });

    it('onError "ignore" drops the bundle and the run succeeds', async () => {
      const { record } = await runOnce(failing('ignore'), {});
      expect(record!.status).toBe('succeeded');
      expect(stepsOf(record, 'call')[0].status).toBe('ignored');
      expect(stepsOf(record, 'after')).toHaveLength(0);
    });

    it('onError "resume" continues with the substitute output', async () => {
      const { record } = await runOnce(failing('resume', { errorOutput: { fallback: true } }), {});
      expect(record!.status).toBe('succeeded');
      expect(stepsOf(record, 'call')[0].status).toBe('resumed');
      expect(record!.output).toEqual({ got: { fallback: true } });
    });

    it('onError "break" keeps the run incomplete and resumable from that node', async () => {
      stand.script(`/${driver}/later`, { alwaysStatus: 500 });
      const doc = scenario(
        'breaks',
        [trigger, { id: 'before', type: 'http.request', config: { url: `${stand.url}/${driver}/before` } }, { id: 'call', type: 'http.request', config: { url: `${stand.url}/${driver}/later` }, onError: 'break' }, { id: 'after', type: 'transform', config: { expression: 'input.status' } }],
        [{ from: 't', to: 'before' }, { from: 'before', to: 'call' }, { from: 'call', to: 'after' }],
      );
      const { engine, runId, record } = await runOnce(doc, {});
      expect(record!.status).toBe('incomplete');
      expect(stepsOf(record, 'call')[0].status).toBe('broken');
      stand.script(`/${driver}/later`, {}); // the outside service is fixed
      const resumed = await engine.resume(runId);
      const final = resumed?.status === 'succeeded' ? resumed : await engine.waitForRun(runId, 10_000, { untilFinal: true });
      expect(final!.status).toBe('succeeded');
      expect(final!.output).toBe(200);
      expect(stand.countFor(`/${driver}/before`)).toBe(1); // the completed step did not run again
    });

    it('an edge from the error handle receives { error } instead', async () => {
      const doc = scenario(
        'error-handle',
        [trigger, { id: 'call', type: 'http.request', config: { url: `${stand.url}/down` } }, { id: 'alert', type: 'transform', config: { expression: '{ "alert": input.error.message, "node": input.error.nodeId }' } }],
        [{ from: 't', to: 'call' }, { from: 'call', to: 'alert', fromHandle: 'error' }],
      );
      const { record } = await runOnce(doc, {});
      expect(record!.status).toBe('succeeded');
      expect((record!.output as any).node).toBe('call');
      expect((record!.output as any).alert).toMatch(/503/);
    });
  });

  it('honours Retry-After from a 429 before the next attempt', async () => {
    stand.script(`/${driver}/busy`, { retryAfterSeconds: 1 });
    const doc = scenario('busy', [trigger, { id: 'call', type: 'http.request', config: { url: `${stand.url}/${driver}/busy` }, retry: { attempts: 2, delayMs: 10, backoff: 'fixed' } }], [{ from: 't', to: 'call' }]);
    const { record } = await runOnce(doc, {});
    expect(record!.status).toBe('succeeded');
    const calls = stand.requests.filter((r) => r.path === `/${driver}/busy`);
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(950);
  });

  it('a step timeout aborts a hanging call and applies onError', async () => {
    stand.script('/hang', { hang: true });
    const doc = scenario('hangs', [trigger, { id: 'call', type: 'http.request', config: { url: `${stand.url}/hang` }, timeoutMs: 300 }], [{ from: 't', to: 'call' }]);
    const { record } = await runOnce(doc, {});
    expect(record!.status).toBe('failed');
    expect(record!.error!.message).toMatch(/timed out after 300 ms/);
  });

  it('a delay parks the run without a worker and continues when due', async () => {
    const doc = scenario('waits', [trigger, { id: 'd', type: 'delay', config: { ms: 400 } }, { id: 'after', type: 'transform', config: { expression: '"done"' } }], [{ from: 't', to: 'd' }, { from: 'd', to: 'after' }]);
    const { engine, runId, record, finished } = await runOnce(doc, {}, undefined, true);
    expect(record!.status).toBe('waiting');
    expect(record!.waits[0]).toMatchObject({ nodeId: 'd', kind: 'delay' });
    const final = await engine.waitForRun(runId, 10_000, { untilFinal: true });
    expect(final!.status).toBe('succeeded');
    expect(final!.output).toBe('done');
    // Watchers see the delay end when it does, not only its start: the editor turns the node green then.
    // (Only what follows the wait is asserted: over Redis, the watch may start after the first steps' events.)
    await expect.poll(() => finished.map((e) => `${e.nodeId} ${e.status}`).slice(-2)).toEqual(['d succeeded', 'after succeeded']);
    expect(finished.at(-2)).toMatchObject({ port: 'out', bundles: 1 });
    expect(finished.at(-2)!.durationMs).toBeGreaterThanOrEqual(350);
  });

  it('an approval waits for a named reviewer and routes on the decision', async () => {
    const doc = scenario(
      'review',
      [trigger, { id: 'ok', type: 'approval', config: { reviewers: ['planner'], message: 'Activate?' } }, { id: 'go', type: 'transform', config: { expression: '"activated by " & input.by' } }, { id: 'stop', type: 'transform', config: { expression: '"stopped"' } }],
      [{ from: 't', to: 'ok' }, { from: 'ok', to: 'go', fromHandle: 'approved' }, { from: 'ok', to: 'stop', fromHandle: 'rejected' }],
    );
    const { engine, runId, record, finished } = await runOnce(doc, {});
    expect(record!.status).toBe('waiting');
    expect(record!.waits[0]).toMatchObject({ kind: 'approval', reviewers: ['planner'] });
    await expect(engine.decide(runId, 'nope', { decision: 'approved', by: 'x' })).rejects.toThrow(/not waiting/);
    // In process as over HTTP: only a named reviewer decides, and a live run is not retried beside itself.
    await expect(engine.decide(runId, 'ok', { decision: 'approved', by: 'ana' })).rejects.toMatchObject({
      status: 403,
      code: 'not_a_reviewer',
      message: 'Only planner may decide the approval at "ok"; "ana" is not one of its reviewers',
    });
    await expect(engine.retry(runId)).rejects.toMatchObject({ status: 409, code: 'not_finished' });
    expect((await engine.getRun(runId))!.status).toBe('waiting');
    await engine.decide(runId, 'ok', { decision: 'approved', by: 'Planner', comment: 'fine' });
    const final = await engine.waitForRun(runId, 10_000, { untilFinal: true });
    expect(final!.status).toBe('succeeded');
    expect(final!.output).toBe('activated by Planner');
    expect(stepsOf(final, 'ok')[0].output).toMatchObject({ decision: 'approved', by: 'Planner', comment: 'fine' });
    // The decision ends the approval's step for watchers too, on the port it took.
    await expect.poll(() => finished.map((e) => `${e.nodeId} ${e.status}`).slice(-2)).toEqual(['ok succeeded', 'go succeeded']);
    expect(finished.at(-2)).toMatchObject({ port: 'approved', bundles: 1 });
  });

  it('cancels a waiting run', async () => {
    const doc = scenario('cancel-me', [trigger, { id: 'd', type: 'delay', config: { ms: 60_000 } }], [{ from: 't', to: 'd' }]);
    const { engine, runId } = await runOnce(doc, {}, undefined, true);
    const cancelled = await engine.cancel(runId);
    expect(cancelled!.status).toBe('cancelled');
    // Its record still says where it stood: the delay's step, stopped by the cancel.
    const final = await engine.waitForRun(runId, 10_000, { untilFinal: true });
    expect(final!.steps.map((s) => `${s.nodeId} ${s.status}`)).toEqual(['t succeeded', 'd stopped']);
    expect(stepsOf(final, 'd')[0].note).toBe('cancelled while waiting on a delay');
  });

  it('never records a secret value, even when an outside service echoes it', async () => {
    const doc = scenario('secretive', [trigger, { id: 'call', type: 'http.request', config: { method: 'POST', url: `${stand.url}/echo`, body: 'input', auth: { type: 'bearer', token: '{{ secrets.API_TOKEN }}' }, headers: { 'x-echo': '{{ secrets.API_TOKEN }}' } } }], [{ from: 't', to: 'call' }]);
    const { record } = await runOnce(doc, { token: 'tok-3f9a-secret' }, { API_TOKEN: 'tok-3f9a-secret' });
    expect(record!.status).toBe('succeeded');
    expect(JSON.stringify(record)).not.toContain('tok-3f9a-secret');
    expect(JSON.stringify(record)).toContain('[redacted]');
  });

  // The executor resolves plain paths and comparisons at once and waits only for what needs JSONata's
  // evaluator; the next three check that mixing the two changes nothing a node or a route sees.
  it('resolves a config that mixes plain paths with JSONata: every value, each key in its place', async () => {
    // Plain paths resolve at once and JSONata's values later; the node must see neither a promise nor a
    // reordered object, and a node that takes `log` and `saveArtifact` out of its context can still call them.
    const registry = await createRegistry();
    registry.register(
      defineNode({
        type: 'test.echo-config',
        title: 'Echo config',
        category: 'Test',
        description: 'Outputs its resolved config',
        config: z.object({ fields: z.record(z.string(), z.unknown()), note: template() }),
        run: async ({ config, log, saveArtifact, run }) => {
          log.info('echoing', { runId: run.id });
          await saveArtifact('echo.json', 'application/json', JSON.stringify(config));
          return { output: { keys: Object.keys(config.fields), fields: config.fields, note: config.note } };
        },
      }),
    );
    const doc = scenario(
      'mixed-config',
      [
        trigger,
        {
          id: 'echo',
          type: 'test.echo-config',
          config: {
            fields: { shout: '{{ $uppercase(input.name) }}', id: '{{ input.id }}', fixed: 'as written', sum: '{{ $sum(input.scores) }}', path: '{{ input.name }}', list: ['{{ $uppercase(input.name) }}', '{{ input.id }}', 'x'] },
            note: 'Hi {{ input.name }}, {{ $count(input.scores) }} scores',
          },
        },
      ],
      [{ from: 't', to: 'echo' }],
    );
    const engine = await harness.engine([doc], { registry });
    const runId = await engine.startRun({ scenarioId: doc.id, version: 1, input: { name: 'ada', id: 7, scores: [1, 2, 3] } });
    const record = await engine.waitForRun(runId, 30_000);
    expect(record!.status).toBe('succeeded');
    expect(record!.output).toEqual({
      keys: ['shout', 'id', 'fixed', 'sum', 'path', 'list'],
      fields: { shout: 'ADA', id: 7, fixed: 'as written', sum: 6, path: 'ada', list: ['ADA', 7, 'x'] },
      note: 'Hi ada, 3 scores',
    });
  });

  it('when several config values fail, the step reports the first in the config order', async () => {
    const doc = scenario(
      'two-failures',
      [trigger, { id: 'call', type: 'http.request', config: { method: 'GET', url: 'http://127.0.0.1:9/never', query: { a: '{{ $count([1..3].($ * 2)[$ > 0]) > 0 ? $error("a failed") : "" }}', b: '{{ $error("b failed") }}' } } }],
      [{ from: 't', to: 'call' }],
    );
    const { record } = await runOnce(doc, {});
    expect(record!.status).toBe('failed');
    expect(record!.steps.find((s) => s.nodeId === 'call')!.error!.message).toMatch(/a failed/);
  });

  it('routes "first" mode through JSONata conditions and plain labels alike, in edge order', async () => {
    const doc = scenario(
      'mixed-routes',
      [trigger, { id: 'r', type: 'router', config: { subject: 'input.tags' } }, { id: 'vip', type: 'transform', config: { expression: '"vip"' } }, { id: 'one', type: 'transform', config: { expression: '"one tag"' } }, { id: 'rest', type: 'transform', config: { expression: '"rest"' } }],
      [{ from: 't', to: 'r' }, { from: 'r', to: 'vip', when: '"vip" in value' }, { from: 'r', to: 'one', when: '$count(value) = 1' }, { from: 'r', to: 'rest', label: 'else' }],
    );
    const taken = async (tags: string[]) => (await runOnce(doc, { tags })).record!.steps.map((s) => s.nodeId);
    expect(await taken(['vip', 'new'])).toEqual(['t', 'r', 'vip']);
    expect(await taken(['vip'])).toEqual(['t', 'r', 'vip']); // both match; "first" takes only the first
    expect(await taken(['new'])).toEqual(['t', 'r', 'one']);
    expect(await taken(['a', 'b'])).toEqual(['t', 'r', 'rest']);
  });
});

describe('templates where the schema wants another type', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createHarness('memory');
  });
  afterAll(() => harness.close());

  it('validates a {{ }} in a number field and checks the rendered value at run time', async () => {
    const doc = scenario(
      'typed-templates',
      [trigger, { id: 'd', type: 'delay', config: { ms: '{{ vars.WAIT }}' } }, { id: 'x', type: 'transform', config: { expression: '"ok"' } }],
      [{ from: 't', to: 'd' }, { from: 'd', to: 'x' }],
      { settings: { vars: { WAIT: 50 } } },
    );
    const engine = await harness.engine([doc]);
    const ok = await engine.waitForRun(await engine.startRun({ scenarioId: doc.id, version: 1, input: {} }), 10_000);
    expect(ok!.status).toBe('succeeded');
    const bad = { ...doc, id: 'typed-templates-bad', settings: { vars: { WAIT: 'soon' } } };
    const engine2 = await harness.engine([bad as typeof doc]);
    const failed = await engine2.waitForRun(await engine2.startRun({ scenarioId: bad.id, version: 1, input: {} }), 10_000);
    expect(failed!.status).toBe('failed');
    expect(failed!.error!.message).toMatch(/^config\.ms: .*after templates were filled in/);
  });
});

describe.each(DRIVERS)('resume on a fixed version (%s)', (driver) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await createHarness(driver);
  });
  afterAll(() => harness.close());

  it('an incomplete run continues from its broken node on the newer version; completed steps stay done', async () => {
    const v1 = scenario(
      'fix-me',
      [trigger, { id: 'a', type: 'transform', config: { expression: '{ "n": input.n }' } }, { id: 'b', type: 'transform', config: { expression: '$error("bad mapping")' }, onError: 'break' }, { id: 'c', type: 'transform', config: { expression: '"c saw " & $string(input.fixed)' } }],
      [{ from: 't', to: 'a' }, { from: 'a', to: 'b' }, { from: 'b', to: 'c' }],
    );
    const v2 = { ...v1, nodes: v1.nodes.map((n) => (n.id === 'b' ? { ...n, config: { expression: '{ "fixed": input.n * 2 }' } } : n)) };
    const engine = await harness.engine([v1]);
    (engine as any).options.scenarios.put(v2, 2);
    const runId = await engine.startRun({ scenarioId: 'fix-me', version: 1, input: { n: 21 } });
    const broken = await engine.waitForRun(runId, 10_000);
    expect(broken!.status).toBe('incomplete');
    await engine.resume(runId, { version: 2 });
    const done = await engine.waitForRun(runId, 10_000, { untilFinal: true, changed: (r) => r.status !== 'incomplete' });
    expect(done!.status).toBe('succeeded');
    expect(done!.version).toBe(2);
    expect(done!.output).toBe('c saw 42');
    expect(done!.steps.filter((s) => s.nodeId === 'a')).toHaveLength(1);
  });
});
