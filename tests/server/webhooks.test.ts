/**
 * Webhooks over real HTTP: signed, unsigned, wrong signature, oversized and
 * malformed deliveries each get their status, and only signed ones make a
 * run; unknown and unpublished paths, waiting for the result, redaction of
 * credentials in `run.request`, the queue-depth guard and the rate limit.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectErrorShape, scenarioDoc, startTestService, type TestService } from './harness';

const SEGMENT_SECRET = 'whsec-segment-7f3a9c';
let svc: TestService;

const hmac = (algorithm: 'sha1' | 'sha256', body: string, key = SEGMENT_SECRET) => createHmac(algorithm, key).update(body).digest('hex');

function hookScenario(id: string, path: string, config: Record<string, unknown> = {}, expression = '{ "user": input.userId, "request": run.request }') {
  return scenarioDoc(id, {
    nodes: [
      { id: 'hook', type: 'trigger.webhook', config: { path, ...config } },
      { id: 'parse', type: 'transform', config: { expression } },
    ] as any,
    edges: [{ from: 'hook', to: 'parse' }],
  });
}

async function createAndPublish(target: TestService, doc: unknown) {
  expect((await target.api('/api/scenarios', { body: doc })).status).toBe(201);
  expect((await target.api(`/api/scenarios/${(doc as { id: string }).id}/publish`, { method: 'POST' })).status).toBe(200);
}

async function post(target: TestService, path: string, body: string, headers: Record<string, string> = {}) {
  return target.api(path, { method: 'POST', raw: body, headers: { 'content-type': 'application/json', ...headers } });
}

beforeAll(async () => {
  svc = await startTestService({ limits: { hookBodyLimit: '2kb' } });
  expect((await svc.api('/api/secrets/SEGMENT_SECRET', { method: 'PUT', body: { value: SEGMENT_SECRET } })).status).toBe(200);
  await createAndPublish(svc, hookScenario('segment-users', 'segment/users', { secret: '{{ secrets.SEGMENT_SECRET }}', signature: 'sha1' }));
  await createAndPublish(svc, hookScenario('github-push', 'github/push', { secret: '{{ secrets.SEGMENT_SECRET }}', signature: 'sha256' }));
  await createAndPublish(svc, hookScenario('open-hook', 'open', { respond: 'result' }, '$exists(input.name) ? { "greeting": "hello " & input.name } : $error("the event has no name")'));
  await svc.api('/api/scenarios', { body: hookScenario('draft-hook', 'draft/only') });
});
afterAll(async () => {
  await svc?.close();
});

describe('Segment-signed webhook (HMAC-SHA1, X-Signature)', () => {
  it('gives each delivery its status, and only the signed one makes a run', async () => {
    const body = JSON.stringify({ type: 'track', userId: 'u-42', event: 'Signed Up' });

    const signed = await post(svc, '/hooks/segment/users?source=segment', body, {
      'x-signature': hmac('sha1', body),
      authorization: 'Bearer outside-token',
      cookie: 'session=abc',
      'x-request-source': 'segment',
    });
    expect(signed.status).toBe(202);
    expect(typeof signed.body.runId).toBe('string');

    const unsigned = await post(svc, '/hooks/segment/users', body);
    expect(unsigned.status).toBe(401);
    expect(expectErrorShape(unsigned.body).code).toBe('invalid_signature');

    const wrong = await post(svc, '/hooks/segment/users', body, { 'x-signature': hmac('sha1', body, 'not-the-secret') });
    expect(wrong.status).toBe(401);
    const tampered = await post(svc, '/hooks/segment/users', body.replace('u-42', 'u-43'), { 'x-signature': hmac('sha1', body) });
    expect(tampered.status).toBe(401);
    const garbage = await post(svc, '/hooks/segment/users', body, { 'x-signature': 'zz' });
    expect(garbage.status).toBe(401);

    const big = JSON.stringify({ userId: 'u-1', padding: 'x'.repeat(4000) });
    const oversized = await post(svc, '/hooks/segment/users', big, { 'x-signature': hmac('sha1', big) });
    expect(oversized.status).toBe(413);
    expect(expectErrorShape(oversized.body).code).toBe('payload_too_large');

    const malformed = '{"userId": "u-1",';
    const bad = await post(svc, '/hooks/segment/users', malformed, { 'x-signature': hmac('sha1', malformed) });
    expect(bad.status).toBe(400);
    expect(expectErrorShape(bad.body).code).toBe('invalid_json');

    const run = await svc.engine.waitForRun(signed.body.runId, 10_000);
    expect(run?.status).toBe('succeeded');
    expect(run?.trigger).toBe('webhook');
    expect(run?.input).toEqual({ type: 'track', userId: 'u-42', event: 'Signed Up' });
    const output = run!.steps.find((s) => s.nodeId === 'parse')!.output as any;
    expect(output.user).toBe('u-42');
    expect(output.request).toMatchObject({ method: 'POST', path: '/hooks/segment/users', query: { source: 'segment' } });
    expect(output.request.headers).toMatchObject({ authorization: '[redacted]', cookie: '[redacted]', 'x-signature': '[redacted]', 'x-request-source': 'segment' });

    const runs = await svc.store.listRuns({ scenarioId: 'segment-users', limit: 100 });
    expect(runs.items.map((r) => r.id)).toEqual([signed.body.runId]);
  });
});

describe('SHA-256 signatures', () => {
  it('accepts X-Hub-Signature-256 with the sha256= prefix and X-Signature-256 without it', async () => {
    const body = JSON.stringify({ userId: 'gh-1' });
    const hub = await post(svc, '/hooks/github/push', body, { 'x-hub-signature-256': `sha256=${hmac('sha256', body)}` });
    expect(hub.status).toBe(202);
    const plain = await post(svc, '/hooks/github/push', body, { 'x-signature-256': hmac('sha256', body) });
    expect(plain.status).toBe(202);
    const sha1Only = await post(svc, '/hooks/github/push', body, { 'x-signature': hmac('sha1', body) });
    expect(sha1Only.status).toBe(401);
  });
});

describe('paths and responses', () => {
  it('answers 404 for a path nobody listens on and 409 for a scenario that is not published', async () => {
    const unknown = await post(svc, '/hooks/nobody/here', '{}');
    expect(unknown.status).toBe(404);
    expectErrorShape(unknown.body);
    const draft = await post(svc, '/hooks/draft/only', '{}');
    expect(draft.status).toBe(409);
    expect(expectErrorShape(draft.body).code).toBe('not_published');
  });

  it('says so when only the draft of a published scenario uses the path, and keeps the published path live', async () => {
    await createAndPublish(svc, hookScenario('wh1', 'old/path'));
    expect((await svc.api('/api/scenarios/wh1', { method: 'PUT', body: hookScenario('wh1', 'new/path') })).body.version).toBe(2);
    const moved = await post(svc, '/hooks/new/path', '{}');
    expect(moved.status).toBe(409);
    expect(expectErrorShape(moved.body)).toMatchObject({
      code: 'not_published',
      message: 'The path "new/path" is in scenario "wh1"\'s draft (version 2), not its published version 1; publish the draft to receive here',
    });
    expect((await post(svc, '/hooks/old/path', '{}')).status).toBe(202);
    // A scenario never published is still told as much.
    const draft = await post(svc, '/hooks/draft/only', '{}');
    expect(expectErrorShape(draft.body).message).toBe('Scenario "draft-hook" listens on /hooks/draft/only but is not published');
  });

  it('answers another method on a webhook path with 405 and Allow: POST, and an unknown path with 404', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await svc.api('/hooks/open', { method });
      expect(res.status, method).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect(expectErrorShape(res.body)).toMatchObject({ code: 'method_not_allowed', message: `/hooks/open takes POST, not ${method}` });
    }
    // A draft's path is known too: POST is still the method to use there.
    expect((await svc.api('/hooks/draft/only')).status).toBe(405);
    const unknown = await svc.api('/hooks/nobody/here');
    expect(unknown.status).toBe(404);
    expect(expectErrorShape(unknown.body).message).toBe('No scenario listens on /hooks/nobody/here');
  });

  it('still takes a form body and an empty one, which the API refuses or reads as {}', async () => {
    const form = await svc.api('/hooks/open', { method: 'POST', raw: 'name=Ada', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(200);
    expect(form.body.result).toEqual({ greeting: 'hello Ada' });
    const empty = await svc.api('/hooks/old/path', { method: 'POST' });
    expect(empty.status).toBe(202);
    expect((await svc.engine.waitForRun(empty.body.runId, 10_000))?.input).toEqual({});
  });

  it('waits for the result when the trigger says respond: "result"', async () => {
    const res = await post(svc, '/hooks/open', JSON.stringify({ name: 'Ada' }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'succeeded', result: { greeting: 'hello Ada' } });
    expect(typeof res.body.runId).toBe('string');

    const failed = await post(svc, '/hooks/open', JSON.stringify({ nickname: 'Ada' }));
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ status: 'failed', error: { message: expect.stringContaining('the event has no name') } });
  });

  it('stops answering once unpublished, and answers again when republished', async () => {
    await svc.api('/api/scenarios/open-hook/unpublish', { method: 'POST' });
    expect((await post(svc, '/hooks/open', '{}')).status).toBe(409);
    await svc.api('/api/scenarios/open-hook/publish', { method: 'POST' });
    expect((await post(svc, '/hooks/open', JSON.stringify({ name: 'B' }))).status).toBe(200);
  });

  it('refuses to publish a second scenario on a path already taken', async () => {
    await svc.api('/api/scenarios', { body: hookScenario('copycat', 'segment/users') });
    const res = await svc.api('/api/scenarios/copycat/publish', { method: 'POST' });
    expect(res.status).toBe(409);
    expect(expectErrorShape(res.body).message).toMatch(/segment-users/);
  });
});

describe('overload protection', () => {
  let limited: TestService;
  beforeAll(async () => {
    limited = await startTestService({ limits: { maxQueueDepth: 1, hookRateLimit: 4 } });
    await createAndPublish(
      limited,
      scenarioDoc('parked', {
        nodes: [{ id: 'hook', type: 'trigger.webhook', config: { path: 'parked' } }, { id: 'wait', type: 'delay', config: { ms: 600_000 } }] as any,
        edges: [{ from: 'hook', to: 'wait' }],
      }),
    );
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('answers 429 with Retry-After past the queue depth, and 429 past the rate limit', async () => {
    const first = await post(limited, '/hooks/parked', '{}');
    expect(first.status).toBe(202);
    await limited.engine.waitForRun(first.body.runId, 10_000);
    expect(await limited.engine.queueDepth()).toBeGreaterThanOrEqual(1);

    const full = await post(limited, '/hooks/parked', '{}');
    expect(full.status).toBe(429);
    expect(full.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(expectErrorShape(full.body).code).toBe('queue_full');

    await post(limited, '/hooks/parked', '{}');
    await post(limited, '/hooks/parked', '{}');
    const limitedRes = await post(limited, '/hooks/parked', '{}');
    expect(limitedRes.status).toBe(429);
    expect(expectErrorShape(limitedRes.body).code).toBe('rate_limited');
  });
});
