import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { brazeCampaignsTrigger, brazeUsersTrack } from '../../nodes/integrations/braze';
import { startServices, type RunningServices } from '../../examples/services';
import { HttpStatusError } from '../../engine/http';
import { nodeContext, type TestContextOptions } from '../http/node-context';
import type { NodeType } from '../../nodes/sdk';

let services: RunningServices;
beforeAll(async () => {
  services = await startServices({ brazeApiKey: 'braze-key-1' });
});
afterAll(() => services.close());
beforeEach(() => services.reset());

const run = (node: NodeType, config: Record<string, unknown>, options: TestContextOptions = {}) =>
  Promise.resolve(node.run(nodeContext(node, { baseUrl: services.urls.braze, ...config }, { secrets: { BRAZE_API_KEY: 'braze-key-1' }, ...options })));
const lastRecord = () => services.recorders.braze.records.at(-1)!;

describe('braze.users.track', () => {
  it('POSTs attributes, events and purchases in Braze shape with the bearer key; outputs Braze\'s answer', async () => {
    const result = await run(
      brazeUsersTrack,
      { externalId: 'user-8' },
      {
        evaluated: {
          attributes: { email: 'ada@example.com', segment: 'high-value' },
          events: [{ name: 'recommendation_shown', properties: { sku: 'sku-104' } }],
          purchases: [{ product_id: 'sku-102', currency: 'USD', price: 29, quantity: 2, time: '2026-11-22T10:00:00Z' }],
        },
        idempotencyKey: 'run-3:n15',
      },
    );
    expect(result).toEqual({ output: { message: 'success', attributes_processed: 1, events_processed: 1, purchases_processed: 1 } });
    const record = lastRecord();
    expect(record.path).toBe('/users/track');
    expect(record.headers.authorization).toBe('Bearer braze-key-1');
    expect(record.headers['idempotency-key']).toBe('run-3:n15');
    const body = record.body as Record<string, Array<Record<string, unknown>>>;
    expect(body.attributes).toEqual([{ external_id: 'user-8', email: 'ada@example.com', segment: 'high-value' }]);
    expect(body.events[0]).toMatchObject({ external_id: 'user-8', name: 'recommendation_shown', properties: { sku: 'sku-104' } });
    expect(Number.isNaN(Date.parse(body.events[0].time as string))).toBe(false);
    expect(body.purchases[0]).toMatchObject({ external_id: 'user-8', product_id: 'sku-102', time: '2026-11-22T10:00:00Z' });
  });

  it('keeps an identifier the objects already carry', async () => {
    await run(brazeUsersTrack, {}, { evaluated: { attributes: [{ braze_id: 'b-1', plan: 'pro' }] } });
    expect((lastRecord().body as { attributes: unknown[] }).attributes).toEqual([{ braze_id: 'b-1', plan: 'pro' }]);
  });

  it('fails without retry when Braze answers 400 in its shape, quoting Braze\'s message', async () => {
    const error = await run(
      brazeUsersTrack,
      { externalId: 'user-8' },
      { evaluated: { purchases: [{ product_id: 'sku-1', currency: 'dollars', price: 3 }] } },
    ).catch((e) => e);
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error.status).toBe(400);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/^braze\.users\.track: POST .*\/users\/track answered 400: .*Valid data must be provided.*'currency' is not valid/);
  });

  it('names the problem before calling when an object has no user or there is no key', async () => {
    await expect(run(brazeUsersTrack, {}, { evaluated: { attributes: { plan: 'pro' } } })).rejects.toThrow(
      /braze\.users\.track: attributes\[0\] names no user: set config\.externalId/,
    );
    await expect(run(brazeUsersTrack, { externalId: 'u' }, { evaluated: { attributes: { a: 1 } }, secrets: {} })).rejects.toThrow(
      /no API key: set config\.apiKey \(e\.g\. "\{\{ secrets\.BRAZE_API_KEY \}\}"\) or define the secret BRAZE_API_KEY/,
    );
    expect(services.recorders.braze.records).toHaveLength(0);
  });

  it('reports a wrong key as a non-retryable 401', async () => {
    const error = await run(brazeUsersTrack, { externalId: 'u', apiKey: 'wrong' }, { evaluated: { attributes: { a: 1 } } }).catch((e) => e);
    expect(error).toMatchObject({ status: 401, retryable: false });
    expect(error.message).toMatch(/Invalid API key/);
  });

  it('passes a rate limit on with retryAfterMs from Retry-After', async () => {
    services.recorders.braze.addFault({ kind: 'rate-limit', retryAfterSeconds: 2 });
    const error = await run(brazeUsersTrack, { externalId: 'u' }, { evaluated: { attributes: { a: 1 } } }).catch((e) => e);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 2000, retryable: true });
    // The fault was used up: the retry goes through.
    await expect(run(brazeUsersTrack, { externalId: 'u' }, { evaluated: { attributes: { a: 1 } } })).resolves.toMatchObject({ output: { message: 'success' } });
  });

  it('is refused by the guard when Braze\'s URL points at an unlisted address', async () => {
    const error = await run(brazeUsersTrack, { baseUrl: services.urls.braze.replace('127.0.0.1', '127.0.0.2'), externalId: 'u' }, { evaluated: { attributes: { a: 1 } } }).catch((e) => e);
    expect(error.message).toBe('braze.users.track: 127.0.0.2 is a loopback address; add it to SWITCHYARD_ALLOW_HOSTS to allow it');
  });
});

describe('braze.campaigns.trigger', () => {
  it('POSTs { campaign_id, recipients: [{ external_user_id, trigger_properties }] } and outputs the dispatch id', async () => {
    const result = (await run(
      brazeCampaignsTrigger,
      { campaignId: 'camp-42', externalUserId: 'user-8' },
      { evaluated: { triggerProperties: { variant: 'high-value-hero', score: 0.92 } } },
    )) as { output: { message: string; dispatch_id: string } };
    expect(result.output.message).toBe('success');
    expect(result.output.dispatch_id).toMatch(/^[0-9a-f]{32}$/);
    const record = lastRecord();
    expect(record.path).toBe('/campaigns/trigger/send');
    expect(record.headers.authorization).toBe('Bearer braze-key-1');
    expect(record.body).toEqual({ campaign_id: 'camp-42', recipients: [{ external_user_id: 'user-8', trigger_properties: { variant: 'high-value-hero', score: 0.92 } }] });
  });

  it('sends a broadcast with top-level trigger properties, and explicit recipients as given', async () => {
    await run(brazeCampaignsTrigger, { campaignId: 'camp-1', broadcast: true }, { evaluated: { triggerProperties: { week: 47 } } });
    expect(lastRecord().body).toEqual({ campaign_id: 'camp-1', broadcast: true, trigger_properties: { week: 47 } });
    const recipients = [{ external_user_id: 'a' }, { external_user_id: 'b', trigger_properties: { x: 1 } }];
    await run(brazeCampaignsTrigger, { campaignId: 'camp-2' }, { evaluated: { recipients } });
    expect(lastRecord().body).toEqual({ campaign_id: 'camp-2', recipients });
  });

  it('refuses to send without a recipient, and flags it in validation', async () => {
    await expect(run(brazeCampaignsTrigger, { campaignId: 'c', externalUserId: ' ' })).rejects.toThrow(/no recipient/);
    expect(brazeCampaignsTrigger.check!(brazeCampaignsTrigger.config.parse({ baseUrl: 'x', campaignId: 'c' }))).toEqual([
      { path: ['externalUserId'], message: 'Give externalUserId or recipients, or set broadcast' },
    ]);
  });
});
