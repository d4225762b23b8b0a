/**
 * Traffic for the User Segmentation example: a mix of Segment events
 * (page, track "Order Completed", identify) from distinct users with an
 * email or push channel preference, sent signed to its webhook, and the
 * routes the stand-ins saw, tallied per user.
 */
import { sampleSegmentEvents, signSegmentBody, type SegmentEvent } from '../segment-sender';
import type { RunningServices } from '../index';

/** The eventTypes `segment.event` gives the Segment calls in the mix. */
export type MixedEventType = 'page' | 'purchase' | 'signup';

/**
 * `count` events: user i is `user-<i>` (so the ML stand-in's confidence
 * follows its last digit), sends a page view, a purchase or an identify by
 * i mod 3, and prefers email or push by ⌊i / 3⌋ mod 2.
 *
 * @example segmentationEvents(6).map((e) => e.type) // → ['page', 'track', 'identify', 'page', 'track', 'identify']
 */
export function segmentationEvents(count: number): SegmentEvent[] {
  return Array.from({ length: count }, (_, i) => segmentationEvent(`user-${String(i).padStart(4, '0')}`, i));
}

/**
 * Event number `i` of the mix for `userId`: page, purchase or identify by i mod 3, email or push by ⌊i / 3⌋ mod 2.
 *
 * @example segmentationEvent('user-7', 7).type // → 'track'
 */
export function segmentationEvent(userId: string, i: number): SegmentEvent {
  const email = `${userId}@example.com`;
  const channel = Math.floor(i / 3) % 2 === 0 ? 'email' : 'push';
  const event = sampleSegmentEvents(userId, email)[i % 3];
  // Segment carries the profile in traits on identify and in context.traits on the other calls.
  if (event.type === 'identify') event.traits = { ...event.traits, preferred_channel: channel };
  else event.context = { ...event.context, traits: { email, preferred_channel: channel } };
  return event;
}

/**
 * The eventType the scenario routes a mixed event on.
 *
 * @example eventTypeOf({ type: 'identify', … }) // → 'signup'
 */
export function eventTypeOf(event: SegmentEvent): MixedEventType {
  return event.type === 'page' ? 'page' : event.type === 'identify' ? 'signup' : 'purchase';
}

/**
 * POSTs each event to the webhook, signed as Segment signs (X-Signature,
 * HMAC-SHA1), `concurrency` at a time; resolves with the run id of each, in order.
 * Throws on any answer but 202, naming the event and the answer.
 *
 * @example const runIds = await fireSignedEvents(`${url}/hooks/user-segmentation`, events, secret);
 */
export async function fireSignedEvents(url: string, events: SegmentEvent[], secret: string, concurrency = 16): Promise<string[]> {
  const runIds: string[] = new Array(events.length);
  let next = 0;
  const sendOne = async () => {
    while (next < events.length) {
      const index = next++;
      const raw = JSON.stringify(events[index]);
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Segment.io/1.0', 'x-signature': signSegmentBody(raw, secret) },
        body: raw,
      });
      const text = await res.text();
      if (res.status !== 202) throw new Error(`Event ${index} (${events[index].userId}) was answered ${res.status}: ${text}`);
      runIds[index] = (JSON.parse(text) as { runId: string }).runId;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, events.length) }, sendOne));
  return runIds;
}

/** What the stand-ins saw for one user. */
export interface ObservedRoute {
  /** eventType of each prediction request (ML stand-in). */
  predicted: string[];
  /** variant asked of the content service: personalized | default. */
  content: string[];
  /** Braze /users/track requests naming the user. */
  brazeTracks: number;
  /** Braze campaign sends naming the user. */
  campaigns: number;
  /** Deliveries: 'email' per SMTP message, 'push' per push request. */
  delivered: string[];
}

/**
 * Tallies, per userId, what the stand-ins received from the User Segmentation scenario.
 *
 * @example observedRoutes(services).get('user-0008')?.delivered // → ['email']
 */
export function observedRoutes(services: RunningServices): Map<string, ObservedRoute> {
  const routes = new Map<string, ObservedRoute>();
  const of = (userId: string) => {
    let route = routes.get(userId);
    if (!route) routes.set(userId, (route = { predicted: [], content: [], brazeTracks: 0, campaigns: 0, delivered: [] }));
    return route;
  };
  const ok = (r: { fault?: string }) => !r.fault;
  for (const r of services.recorders.ml.records.filter(ok)) {
    const body = r.body as { userId: string; eventType: string };
    of(body.userId).predicted.push(body.eventType);
  }
  for (const r of services.recorders.content.records.filter(ok)) of(String(r.query.user)).content.push(String(r.query.variant));
  for (const r of services.recorders.braze.records.filter(ok)) {
    const body = r.body as { attributes?: Array<{ external_id: string }>; recipients?: Array<{ external_user_id: string }> };
    if (r.path === '/users/track') for (const a of body.attributes ?? []) of(a.external_id).brazeTracks++;
    if (r.path === '/campaigns/trigger/send') for (const p of body.recipients ?? []) of(p.external_user_id).campaigns++;
  }
  for (const mail of services.smtp.messages) for (const to of mail.to) of(to.replace(/@.*$/, '')).delivered.push('email');
  for (const r of services.recorders.push.records.filter(ok)) of(String((r.body as { to: string }).to)).delivered.push('push');
  return routes;
}

/**
 * Counts per route across users: by event type, confidence branch and channel.
 *
 * @example routeCounts(observedRoutes(services)) // → { type: { page: 100, … }, content: { personalized: 150, … }, channel: { email: 150, push: 150 } }
 */
export function routeCounts(routes: Map<string, ObservedRoute>) {
  const count = (values: string[]) => values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {});
  const all = [...routes.values()];
  return {
    type: count(all.flatMap((r) => r.predicted)),
    content: count(all.flatMap((r) => r.content)),
    channel: count(all.flatMap((r) => r.delivered)),
    brazeProfiles: all.reduce((n, r) => n + r.brazeTracks, 0),
    campaigns: all.reduce((n, r) => n + r.campaigns, 0),
  };
}
