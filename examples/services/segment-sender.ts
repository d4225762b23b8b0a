/**
 * Plays Segment: builds Segment Spec events of mixed types and POSTs them to
 * a webhook the way Segment's webhook destination does — one event per
 * request, JSON body, `X-Signature` = HMAC-SHA1 (hex) of the raw body with
 * the shared secret.
 */
import { createHmac, randomUUID } from 'node:crypto';

/** A Segment Spec event (the common fields; `properties`/`traits` are free-form). */
export interface SegmentEvent {
  type: 'page' | 'track' | 'identify' | 'screen' | 'group' | 'alias';
  userId?: string;
  anonymousId?: string;
  event?: string;
  name?: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  context?: Record<string, unknown>;
  timestamp: string;
  messageId: string;
  [field: string]: unknown;
}

/**
 * A page view, an "Order Completed" track and an identify for one user, in that order.
 *
 * @example sampleSegmentEvents('user-8').map((e) => e.type) // → ['page', 'track', 'identify']
 */
export function sampleSegmentEvents(userId = 'user-8', email = `${userId}@example.com`): SegmentEvent[] {
  const now = new Date().toISOString();
  const context = { ip: '203.0.113.7', library: { name: 'analytics.js', version: '5.2.0' }, userAgent: 'Mozilla/5.0' };
  const common = { userId, anonymousId: `anon-${userId}`, timestamp: now, sentAt: now, channel: 'client', version: 2 };
  return [
    {
      ...common,
      type: 'page',
      name: 'Pricing',
      properties: { path: '/pricing', url: 'https://shop.example.com/pricing', title: 'Pricing', referrer: 'https://www.example.com/' },
      context: { ...context, page: { path: '/pricing', url: 'https://shop.example.com/pricing' } },
      messageId: `msg-${randomUUID()}`,
    },
    {
      ...common,
      type: 'track',
      event: 'Order Completed',
      properties: {
        order_id: `order-${userId}`,
        total: 64.5,
        revenue: 58,
        currency: 'USD',
        products: [{ product_id: 'sku-102', sku: 'BOTTLE-1', name: 'Insulated bottle', price: 29, quantity: 2 }],
      },
      context,
      messageId: `msg-${randomUUID()}`,
    },
    {
      ...common,
      type: 'identify',
      traits: { email, name: 'Ada Example', plan: 'pro', createdAt: now },
      context,
      messageId: `msg-${randomUUID()}`,
    },
  ];
}

/**
 * Segment's webhook signature of a raw body.
 *
 * @example signSegmentBody('{"type":"page"}', 'shh') // → 40 hex characters
 */
export function signSegmentBody(rawBody: string, secret: string): string {
  return createHmac('sha1', secret).update(rawBody).digest('hex');
}

export interface SendSegmentOptions {
  /** The webhook URL, e.g. http://127.0.0.1:3000/hooks/segment */
  url: string;
  /** Shared secret; without it no X-Signature header is sent. */
  secret?: string;
  events?: SegmentEvent[];
  userId?: string;
}

/**
 * POSTs each event to the webhook; resolves with each answer.
 *
 * @example await sendSegmentEvents({ url: 'http://127.0.0.1:3000/hooks/segment', secret: 'shh' })
 */
export async function sendSegmentEvents(options: SendSegmentOptions): Promise<Array<{ type: string; status: number; body: unknown }>> {
  const answers: Array<{ type: string; status: number; body: unknown }> = [];
  for (const event of options.events ?? sampleSegmentEvents(options.userId)) {
    const raw = JSON.stringify(event);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Segment.io/1.0' };
    if (options.secret) headers['x-signature'] = signSegmentBody(raw, options.secret);
    const res = await fetch(options.url, { method: 'POST', headers, body: raw });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // keep text
    }
    answers.push({ type: event.type === 'track' ? `track ${event.event}` : event.type, status: res.status, body });
  }
  return answers;
}
