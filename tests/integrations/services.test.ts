import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import httpRequest from '../../nodes/builtin/http-request';
import { startServices, type RunningServices } from '../../examples/services';
import { nodeContext, type TestContextOptions } from '../http/node-context';

let services: RunningServices;
beforeAll(async () => {
  services = await startServices();
});
afterAll(() => services.close());
beforeEach(() => services.reset());

const call = (config: Record<string, unknown>, options: TestContextOptions = {}) =>
  Promise.resolve(httpRequest.run(nodeContext(httpRequest, config, options))) as Promise<{ output: { status: number; body: any } }>;
const predict = (userId: string) =>
  call({ method: 'POST', url: `${services.urls.ml}/predict` }, { evaluated: { body: { userId, eventType: 'purchase' } } });

describe('ML recommendation stand-in through http.request', () => {
  it('answers { userId, recommendations, confidence } with confidence from the last digit of the userId', async () => {
    const high = await predict('user-8');
    expect(high.output.status).toBe(200);
    expect(high.output.body).toMatchObject({ userId: 'user-8', eventType: 'purchase', confidence: 0.9 });
    expect(high.output.body.recommendations).toHaveLength(3);
    expect(high.output.body.recommendations[0]).toEqual({ id: expect.any(String), title: expect.any(String), score: 0.9 });
    expect((await predict('user-4')).output.body.confidence).toBe(0.7);
    expect((await predict('anonymous')).output.body.confidence).toBe(0.5);
    // Same user, same answer: the scenario's branch is predictable.
    expect((await predict('user-8')).output.body).toEqual(high.output.body);
    expect(services.recorders.ml.records.map((r) => (r.body as { userId: string }).userId)).toEqual(['user-8', 'user-4', 'anonymous', 'user-8']);
  });

  it('answers 400 naming the field when userId is missing', async () => {
    const error = await call({ method: 'POST', url: `${services.urls.ml}/predict` }, { evaluated: { body: { eventType: 'page' } } }).catch((e) => e);
    expect(error).toMatchObject({ status: 400, retryable: false });
    expect(error.message).toMatch(/userId is required/);
  });

  it('fails on demand: 500, then 429 with Retry-After, then answers again', async () => {
    services.recorders.ml.addFault({ kind: 'error', count: 1 });
    services.recorders.ml.addFault({ kind: 'rate-limit', retryAfterSeconds: 3 });
    await expect(predict('user-1')).rejects.toMatchObject({ status: 500, retryable: true });
    await expect(predict('user-1')).rejects.toMatchObject({ status: 429, retryAfterMs: 3000 });
    await expect(predict('user-1')).resolves.toMatchObject({ output: { body: { confidence: 0.55 } } });
    expect(services.recorders.ml.records.map((r) => r.fault)).toEqual(['error', 'rate-limit', undefined]);
  });

  it('hangs on demand, so the node\'s timeout is what ends the call', async () => {
    services.recorders.ml.addFault({ kind: 'hang' });
    await expect(call({ method: 'POST', url: `${services.urls.ml}/predict`, timeoutMs: 200 }, { evaluated: { body: { userId: 'u-1' } } })).rejects.toThrow(
      /no answer in time/,
    );
  });
});

describe('content stand-in', () => {
  it('serves personalized variants for a segment and generic ones by default, best score first', async () => {
    const personalized = await call({ url: `${services.urls.content}/content`, query: { segment: 'high-value', variant: 'personalized' } });
    const variants = personalized.output.body.variants as Array<{ id: string; score: number }>;
    expect(personalized.output.body).toMatchObject({ segment: 'high-value', variant: 'personalized' });
    expect(variants[0].id).toBe('high-value-hero');
    expect(variants.map((v) => v.score)).toEqual([...variants.map((v) => v.score)].sort((a, b) => b - a));
    const fallback = await call({ url: `${services.urls.content}/content`, query: { variant: 'default' } });
    expect(fallback.output.body.variants.every((v: { id: string }) => v.id.startsWith('default-'))).toBe(true);
    await expect(call({ url: `${services.urls.content}/content`, query: { variant: 'loud' } })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/variant must be/) });
  });
});

describe('stand-in controls over HTTP', () => {
  it('lists records at GET /__records, clears them with DELETE, and takes faults at POST /__faults', async () => {
    await predict('user-2');
    const records = await call({ url: `${services.urls.ml}/__records` });
    expect(records.output.body).toHaveLength(1);
    expect(records.output.body[0]).toMatchObject({ method: 'POST', path: '/predict', body: { userId: 'user-2' } });
    await call({ method: 'DELETE', url: `${services.urls.ml}/__records` });
    expect(services.recorders.ml.records).toHaveLength(0);
    await call({ method: 'POST', url: `${services.urls.ml}/__faults` }, { evaluated: { body: { kind: 'error', status: 502, count: 2 } } });
    await expect(predict('user-2')).rejects.toMatchObject({ status: 502 });
    await expect(predict('user-2')).rejects.toMatchObject({ status: 502 });
    await expect(predict('user-2')).resolves.toBeDefined();
    await expect(call({ method: 'POST', url: `${services.urls.ml}/__faults` }, { evaluated: { body: { kind: 'explode' } } })).rejects.toThrow(
      /fault\.kind must be one of error, rate-limit, hang/,
    );
  });

  it('exposes what the SMTP sink received at /smtp/__records', async () => {
    const smtpRecords = await call({ url: `${services.urls.base}/smtp/__records` });
    expect(smtpRecords.output.body).toEqual([]);
  });
});
