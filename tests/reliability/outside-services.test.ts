/**
 * Outside services misbehaving, through the webhook path of the real service
 * (in this process) with the integration nodes and the examples' stand-ins
 * (`examples/services`): an ML API that hangs, Braze answering 500, and
 * Braze answering 429 with `Retry-After`. Each ends as configured: a
 * timeout per attempt, retries with the same idempotency key, a wait of at
 * least `Retry-After` before the next attempt, then the node's `onError`.
 * (`tests/engine/engine.test.ts` covers the same rules on the engine alone.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServices, type RunningServices } from '../../examples/services';
import { startInProcessService, type InProcessService } from './service';

let svc: InProcessService;
let services: RunningServices;

beforeAll(async () => {
  process.env.SWITCHYARD_ALLOW_HOSTS = '127.0.0.1';
  services = await startServices();
  svc = await startInProcessService();
  expect((await svc.call('/api/secrets/BRAZE_API_KEY', { method: 'PUT', body: { value: services.brazeApiKey } })).status).toBe(200);
  const doc = {
    format: 'switchyard/scenario@1',
    id: 'outside',
    name: 'Predict, then tell Braze',
    nodes: [
      { id: 'hook', type: 'trigger.webhook', config: { path: 'outside', respond: 'result', timeoutMs: 30_000 } },
      {
        id: 'predict',
        type: 'http.request',
        config: { method: 'POST', url: `${services.urls.ml}/predict`, body: '{ "userId": input.userId }' },
        timeoutMs: 300,
        retry: { attempts: 3, delayMs: 50 },
        onError: 'resume',
        errorOutput: { status: 0, body: { confidence: 0, recommendations: [] } },
      },
      {
        id: 'braze',
        type: 'braze.users.track',
        config: { baseUrl: services.urls.braze, externalId: '{{ trigger.userId }}', attributes: '{ "confidence": steps.predict.output.body.confidence }' },
        retry: { attempts: 3, delayMs: 50 },
        onError: 'break',
      },
    ],
    edges: [
      { from: 'hook', to: 'predict' },
      { from: 'predict', to: 'braze' },
    ],
  };
  expect((await svc.call('/api/scenarios', { body: doc })).status).toBe(201);
  expect((await svc.call('/api/scenarios/outside/publish', { method: 'POST' })).status).toBe(200);
});
afterAll(async () => {
  await svc?.close();
  await services?.close();
});

async function deliver(userId: string) {
  const res = await svc.call('/hooks/outside', { body: { userId } });
  const run = (await svc.service.engine.waitForRun(res.body.runId, 30_000))!;
  // The webhook answers with the result (200), the run's failure (500), or 202 when it was not done in time.
  if (res.status !== 202) expect(res.status).toBe(run.status === 'succeeded' ? 200 : 500);
  return run;
}

describe('outside services through the webhook path', () => {
  it('an ML API that hangs: each attempt times out, then onError "resume" goes on with the substitute output', async () => {
    services.reset();
    services.recorders.ml.addFault({ kind: 'hang', count: 3 });
    const run = await deliver('user-7');
    const predict = run.steps.find((s) => s.nodeId === 'predict')!;
    expect(predict.attempts).toBe(3);
    expect(predict.status).toBe('resumed');
    expect(predict.error?.message).toMatch(/no answer in time|timed out|time/i);
    expect(services.recorders.ml.records).toHaveLength(3);
    // Braze got the substitute confidence, and the run succeeded.
    expect(run.status).toBe('succeeded');
    expect(JSON.stringify(services.recorders.braze.records[0].body)).toContain('"confidence":0');
  });

  it('Braze answering 500: retried with one idempotency key, then onError "break" keeps the run incomplete and resumable', async () => {
    services.reset();
    services.recorders.braze.addFault({ kind: 'error', count: 3, status: 500 });
    const run = await deliver('user-3');
    const braze = run.steps.find((s) => s.nodeId === 'braze')!;
    expect(braze.attempts).toBe(3);
    expect(braze.error?.message).toMatch(/500/);
    expect(run.status).toBe('incomplete');
    expect(services.recorders.braze.records).toHaveLength(3);
    const keys = new Set(services.recorders.braze.records.map((r) => r.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(new RegExp(`^${run.id}:`));
    // Fixed upstream: resuming the incomplete run finishes it, without calling the ML API again.
    const mlCalls = services.recorders.ml.records.length;
    const resumed = await svc.call(`/api/runs/${run.id}/resume`, { method: 'POST', body: {} });
    expect(resumed.status).toBeLessThan(300);
    const final = await svc.service.engine.waitForRun(run.id, 30_000);
    expect(final?.status).toBe('succeeded');
    expect(services.recorders.ml.records).toHaveLength(mlCalls);
  });

  it('Braze answering 429 with Retry-After: the next attempt waits at least that long, then succeeds', async () => {
    services.reset();
    services.recorders.braze.addFault({ kind: 'rate-limit', count: 1, retryAfterSeconds: 2 });
    const run = await deliver('user-9');
    expect(run.status).toBe('succeeded');
    const calls = services.recorders.braze.records;
    expect(calls.map((c) => c.fault)).toEqual(['rate-limit', undefined]);
    // The node's own delay is 50 ms; the gap is the service's Retry-After.
    expect(Date.parse(calls[1].at) - Date.parse(calls[0].at)).toBeGreaterThanOrEqual(2000);
    expect(run.steps.find((s) => s.nodeId === 'braze')!.attempts).toBe(2);
  });

  it('Braze rate-limiting on every attempt: attempts run out and onError applies', async () => {
    services.reset();
    services.recorders.braze.addFault({ kind: 'rate-limit', count: 3, retryAfterSeconds: 1 });
    const run = await deliver('user-5');
    expect(run.status).toBe('incomplete');
    const braze = run.steps.find((s) => s.nodeId === 'braze')!;
    expect(braze.attempts).toBe(3);
    expect(braze.error?.message).toMatch(/429/);
    const calls = services.recorders.braze.records;
    for (let i = 1; i < calls.length; i++) expect(Date.parse(calls[i].at) - Date.parse(calls[i - 1].at)).toBeGreaterThanOrEqual(1000);
  });
});
