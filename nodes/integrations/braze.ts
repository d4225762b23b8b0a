/**
 * Braze REST nodes: `braze.users.track` (attributes, custom events and
 * purchases for users) and `braze.campaigns.trigger` (API-triggered campaign
 * send). Both POST JSON with `Authorization: Bearer <REST API key>`, the key
 * from `config.apiKey` (e.g. `{{ secrets.BRAZE_API_KEY }}`) or the secret
 * `BRAZE_API_KEY`, and output Braze's response body.
 */
import { defineNode, expression, template, z } from '../sdk';
import { apiKeyFrom, apiUrl, configError, postJson } from './api-call';

const STRONG_IDENTIFIERS = ['external_id', 'user_alias', 'braze_id'];
const IDENTIFIERS = [...STRONG_IDENTIFIERS, 'email', 'phone'];
/** Braze accepts at most this many objects per array in one /users/track request. */
const MAX_PER_ARRAY = 75;

const connection = {
  baseUrl: template('Your Braze REST endpoint, e.g. https://rest.iad-01.braze.com or {{ vars.BRAZE_URL }}'),
  apiKey: template('REST API key; default: the secret BRAZE_API_KEY').optional(),
  timeoutMs: z.coerce.number().int().positive().max(600_000).optional(),
};

type TrackKind = 'attributes' | 'events' | 'purchases';

/** Turns one configured list (an object or an array) into Braze objects, filling in external_id and time. */
function trackList(kind: TrackKind, value: unknown, externalId: string | undefined, now: string): Array<Record<string, unknown>> {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  if (items.length > MAX_PER_ARRAY) throw configError('braze.users.track', `${kind} has ${items.length} objects; Braze accepts at most ${MAX_PER_ARRAY} per request`);
  return items.map((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw configError('braze.users.track', `${kind}[${index}] must be an object, got ${JSON.stringify(item)}`);
    }
    const object: Record<string, unknown> = { ...(item as Record<string, unknown>) };
    const has = (ids: string[]) => ids.some((id) => object[id] !== undefined && object[id] !== '');
    // email and phone identify a user only when nothing stronger is given; they are also plain attributes.
    if (externalId && !has(STRONG_IDENTIFIERS)) object.external_id = externalId;
    else if (!has(IDENTIFIERS)) {
      throw configError('braze.users.track', `${kind}[${index}] names no user: set config.externalId or give it one of ${IDENTIFIERS.join(', ')}`);
    }
    if (kind !== 'attributes') object.time ??= now;
    return object;
  });
}

/**
 * Builds a Braze `/users/track` body.
 *
 * @example
 * brazeTrackBody({ externalId: 'u1', attributes: { plan: 'pro' }, events: [{ name: 'purchase_seen' }] })
 * // → { attributes: [{ plan: 'pro', external_id: 'u1' }], events: [{ name: 'purchase_seen', external_id: 'u1', time: '…' }] }
 */
export function brazeTrackBody(config: { externalId?: string; attributes?: unknown; events?: unknown; purchases?: unknown }, now = new Date().toISOString()) {
  const externalId = config.externalId?.trim() || undefined;
  const body: Partial<Record<TrackKind, Array<Record<string, unknown>>>> = {};
  for (const kind of ['attributes', 'events', 'purchases'] as const) {
    const list = trackList(kind, config[kind], externalId, now);
    if (list.length) body[kind] = list;
  }
  if (Object.keys(body).length === 0) throw configError('braze.users.track', 'nothing to send: give attributes, events or purchases');
  return body;
}

export const brazeUsersTrack = defineNode({
  type: 'braze.users.track',
  title: 'Braze: update user profile',
  category: 'Integrations',
  description: 'POST /users/track: sets user attributes and records custom events and purchases in Braze.',
  config: z.object({
    ...connection,
    externalId: template('external_id for objects that name no user, e.g. {{ input.userId }}').optional(),
    attributes: expression('An attribute object (or an array of them), e.g. { "email": input.email, "segment": input.segment }').optional(),
    events: expression('Array of custom events { name, time?, properties? }').optional(),
    purchases: expression('Array of purchases { product_id, currency, price, quantity?, time? }').optional(),
  }),
  outbound: true,
  check: (config) =>
    config.attributes === undefined && config.events === undefined && config.purchases === undefined
      ? [{ path: ['attributes'], message: 'Give attributes, events or purchases' }]
      : [],
  run: async (ctx) => {
    const { config } = ctx;
    const body = brazeTrackBody(config);
    const response = await postJson(ctx, {
      caller: 'braze.users.track',
      url: apiUrl(config.baseUrl, '/users/track', 'braze.users.track'),
      bearer: apiKeyFrom(ctx, config.apiKey, 'BRAZE_API_KEY', 'braze.users.track'),
      body,
      timeoutMs: config.timeoutMs,
    });
    const answer = response.body as { errors?: unknown[] } | undefined;
    // Braze says "success" while skipping bad objects; make that visible in the run log.
    if (Array.isArray(answer?.errors) && answer.errors.length) ctx.log.warn('Braze skipped some objects', { errors: answer.errors });
    return { output: response.body };
  },
});

export const brazeCampaignsTrigger = defineNode({
  type: 'braze.campaigns.trigger',
  title: 'Braze: trigger campaign',
  category: 'Integrations',
  description: 'POST /campaigns/trigger/send: sends an API-triggered campaign to recipients (or as a broadcast) with trigger properties.',
  config: z.object({
    ...connection,
    campaignId: template('The campaign API identifier'),
    sendId: template('Optional send identifier for per-send analytics').optional(),
    externalUserId: template('One recipient, e.g. {{ input.userId }}').optional(),
    triggerProperties: expression('Object available in the message as {{api_trigger_properties}}').optional(),
    recipients: expression('Array of { external_user_id, trigger_properties? } (instead of externalUserId)').optional(),
    broadcast: z.boolean().optional().describe('Send to the whole campaign segment'),
  }),
  outbound: true,
  check: (config) =>
    config.externalUserId === undefined && config.recipients === undefined && config.broadcast !== true
      ? [{ path: ['externalUserId'], message: 'Give externalUserId or recipients, or set broadcast' }]
      : [],
  run: async (ctx) => {
    const { config } = ctx;
    const caller = 'braze.campaigns.trigger';
    if (!config.campaignId?.trim()) throw configError(caller, 'campaignId is empty');
    const props = config.triggerProperties;
    if (props !== undefined && props !== null && (typeof props !== 'object' || Array.isArray(props))) {
      throw configError(caller, `triggerProperties must be an object, got ${JSON.stringify(props)}`);
    }
    let recipients: unknown[] | undefined;
    if (config.recipients !== undefined && config.recipients !== null) {
      if (!Array.isArray(config.recipients)) throw configError(caller, 'recipients must be an array of { external_user_id, trigger_properties? }');
      recipients = config.recipients;
    } else if (config.externalUserId?.trim()) {
      recipients = [{ external_user_id: config.externalUserId.trim(), ...(props ? { trigger_properties: props } : {}) }];
    }
    if (!recipients?.length && config.broadcast !== true) throw configError(caller, 'no recipient: externalUserId is empty and no recipients were given');
    const body = {
      campaign_id: config.campaignId.trim(),
      ...(config.sendId ? { send_id: config.sendId } : {}),
      ...(recipients?.length ? { recipients } : {}),
      ...(config.broadcast !== undefined ? { broadcast: config.broadcast } : {}),
      // With a broadcast there is no per-recipient slot for the properties.
      ...(props && !recipients?.length ? { trigger_properties: props } : {}),
    };
    const response = await postJson(ctx, {
      caller,
      url: apiUrl(config.baseUrl, '/campaigns/trigger/send', caller),
      bearer: apiKeyFrom(ctx, config.apiKey, 'BRAZE_API_KEY', caller),
      body,
      timeoutMs: config.timeoutMs,
    });
    return { output: response.body };
  },
});
