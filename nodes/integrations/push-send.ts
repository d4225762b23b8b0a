/**
 * `push.send`: POSTs a push notification `{ to, title, body, data }` to a
 * provider endpoint with bearer auth (the key from `config.apiKey` or the
 * secret `PUSH_API_KEY`), and outputs the provider's answer.
 */
import { defineNode, expression, template, z } from '../sdk';
import { apiKeyFrom, configError, postJson } from './api-call';

export default defineNode({
  type: 'push.send',
  title: 'Send push notification',
  category: 'Integrations',
  description: 'Sends a push notification { to, title, body, data } to a provider endpoint with bearer auth.',
  config: z.object({
    url: template('The provider endpoint, e.g. {{ vars.PUSH_URL }}/send'),
    apiKey: template('Bearer key; default: the secret PUSH_API_KEY').optional(),
    to: template('Device token or user id, e.g. {{ input.userId }}'),
    title: template(),
    body: template(),
    data: expression('Extra payload object for the app').optional(),
    timeoutMs: z.coerce.number().int().positive().max(600_000).optional(),
  }),
  outbound: true,
  run: async (ctx) => {
    const { config } = ctx;
    for (const field of ['to', 'title', 'body'] as const) {
      if (!String(config[field] ?? '').trim()) throw configError('push.send', `${field} is empty (config.${field})`);
    }
    if (config.data !== undefined && config.data !== null && (typeof config.data !== 'object' || Array.isArray(config.data))) {
      throw configError('push.send', `data must be an object, got ${JSON.stringify(config.data)}`);
    }
    let url: URL;
    try {
      url = new URL(config.url);
    } catch {
      throw configError('push.send', `url "${config.url}" is not a valid URL (config.url)`);
    }
    const response = await postJson(ctx, {
      caller: 'push.send',
      url: url.href,
      bearer: apiKeyFrom(ctx, config.apiKey, 'PUSH_API_KEY', 'push.send'),
      body: { to: config.to, title: config.title, body: config.body, ...(config.data ? { data: config.data } : {}) },
      timeoutMs: config.timeoutMs,
    });
    return { output: response.body };
  },
});
