/**
 * The User Segmentation flow end to end on the engine: a Segment event is
 * parsed, the ML stand-in scores the user, the confidence router picks the
 * content, Braze is updated and triggered, and the push stand-in receives
 * the notification — all on 127.0.0.1 stand-ins.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runScenarioOnce } from '../../engine/runtime/engine';
import type { Scenario } from '../../engine/scenario/schema';
import { NodeRegistry } from '../../nodes/registry';
import { builtinNodeTypes } from '../../nodes/builtin';
import { integrationNodeTypes } from '../../nodes/integrations';
import { sampleSegmentEvents, startServices, type RunningServices } from '../../examples/services';

let services: RunningServices;
const registry = new NodeRegistry([...builtinNodeTypes, ...integrationNodeTypes]);

beforeAll(async () => {
  services = await startServices({ brazeApiKey: 'bk', pushApiKey: 'pk' });
});
afterAll(() => services.close());
beforeEach(() => services.reset());

function scenario(): Scenario {
  return {
    format: 'switchyard/scenario@1',
    id: 'personalize',
    name: 'Personalize from Segment events',
    settings: { vars: { ML_URL: services.urls.ml, CONTENT_URL: services.urls.content, BRAZE_URL: services.urls.braze, PUSH_URL: services.urls.push } },
    nodes: [
      { id: 'n2', type: 'trigger.manual', config: {} },
      { id: 'n3', type: 'segment.event', config: {} },
      {
        id: 'n8',
        type: 'http.request',
        config: { method: 'POST', url: '{{ vars.ML_URL }}/predict', body: "{ 'userId': input.userId, 'eventType': input.eventType }" },
        retry: { attempts: 3, delayMs: 10, backoff: 'fixed' },
      },
      { id: 'n10', type: 'router', config: { subject: 'input.body.confidence' } },
      { id: 'n11', type: 'http.request', config: { url: '{{ vars.CONTENT_URL }}/content', query: { segment: 'high-value', variant: 'personalized' } } },
      { id: 'n12', type: 'http.request', config: { url: '{{ vars.CONTENT_URL }}/content', query: { variant: 'default' } } },
      {
        id: 'n15',
        type: 'braze.users.track',
        config: {
          baseUrl: '{{ vars.BRAZE_URL }}',
          apiKey: '{{ secrets.BRAZE_API_KEY }}',
          externalId: '{{ steps.n3.output.userId }}',
          attributes: "{ 'top_variant': input.body.variants[0].id }",
        },
      },
      {
        id: 'n16',
        type: 'braze.campaigns.trigger',
        config: { baseUrl: '{{ vars.BRAZE_URL }}', campaignId: 'camp-1', externalUserId: '{{ steps.n3.output.userId }}' },
      },
      {
        id: 'n19',
        type: 'push.send',
        config: { url: '{{ vars.PUSH_URL }}/send', apiKey: '{{ secrets.PUSH_API_KEY }}', to: '{{ steps.n3.output.userId }}', title: 'For you', body: 'New picks' },
      },
    ],
    edges: [
      { from: 'n2', to: 'n3' },
      { from: 'n3', to: 'n8' },
      { from: 'n8', to: 'n10' },
      { from: 'n10', to: 'n11', label: '> 0.7' },
      { from: 'n10', to: 'n12', label: '<= 0.7' },
      { from: 'n11', to: 'n15' },
      { from: 'n12', to: 'n15' },
      { from: 'n15', to: 'n16' },
      { from: 'n16', to: 'n19' },
    ],
  } as Scenario;
}

const runFor = (userId: string) =>
  runScenarioOnce(scenario(), sampleSegmentEvents(userId)[1], {
    registry,
    secrets: { BRAZE_API_KEY: 'bk', PUSH_API_KEY: 'pk' },
    allowHosts: ['127.0.0.1'],
    timeoutMs: 30_000,
  });

describe('personalization scenario against the stand-ins', () => {
  it('takes the personalized branch for a confident prediction and reaches Braze and push', async () => {
    const record = await runFor('user-9');
    expect(record.status).toBe('succeeded');
    const ran = record.steps.map((s) => s.nodeId);
    expect(ran).toContain('n11');
    expect(ran).not.toContain('n12');
    expect(services.recorders.braze.records.map((r) => r.path)).toEqual(['/users/track', '/campaigns/trigger/send']);
    expect(services.recorders.braze.records[0].body).toEqual({ attributes: [{ external_id: 'user-9', top_variant: 'high-value-hero' }] });
    expect(services.recorders.push.records[0].body).toMatchObject({ to: 'user-9', title: 'For you' });
    // The secret reached Braze but not the run record.
    expect(services.recorders.braze.records[0].headers.authorization).toBe('Bearer bk');
    expect(JSON.stringify(record)).not.toContain('"bk"');
  });

  it('takes the default branch at confidence 0.7 or less', async () => {
    const record = await runFor('user-3');
    expect(record.status).toBe('succeeded');
    expect(record.steps.map((s) => s.nodeId)).toContain('n12');
    expect(services.recorders.braze.records[0].body).toEqual({ attributes: [{ external_id: 'user-3', top_variant: 'default-1' }] });
  });

  it('retries the ML call after a 500 with the same idempotency key', async () => {
    services.recorders.ml.addFault({ kind: 'error' });
    const record = await runFor('user-9');
    expect(record.status).toBe('succeeded');
    expect(record.steps.find((s) => s.nodeId === 'n8')?.attempts).toBe(2);
    const keys = services.recorders.ml.records.map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBeTruthy();
    expect(keys[1]).toBe(keys[0]);
  });

  it('fails the run with the guard\'s message when the ML URL points at an unlisted address', async () => {
    const doc = scenario();
    doc.settings!.vars!.ML_URL = services.urls.ml.replace('127.0.0.1', '127.0.0.2');
    const record = await runScenarioOnce(doc, sampleSegmentEvents('user-9')[0], { registry, allowHosts: ['127.0.0.1'], timeoutMs: 30_000 });
    expect(record.status).toBe('failed');
    const step = record.steps.find((s) => s.nodeId === 'n8')!;
    expect(JSON.stringify(step.error)).toMatch(/127\.0\.0\.2 is a loopback address; add it to SWITCHYARD_ALLOW_HOSTS/);
    expect(step.attempts).toBe(1); // refused destinations are not retried
    expect(services.recorders.ml.records).toHaveLength(0);
  });
});
