/**
 * The ceiling for the User Segmentation benchmark: seed 002's path written
 * by hand as one async function — what someone would write without an
 * engine. It makes the same calls to the same stand-ins as
 * `examples/user-segmentation.json` (ML prediction, content variants, Braze
 * profile and campaign, then SMTP or push), with no durability, no run
 * history and no step records. Run as a process of its own by
 * `plain-server.ts`, behind the same signed webhook.
 */
import nodemailer from 'nodemailer';

export interface PlainTargets {
  mlUrl: string;
  contentUrl: string;
  brazeUrl: string;
  pushUrl: string;
  smtpHost: string;
  smtpPort: number;
  brazeApiKey: string;
  pushApiKey: string;
}

type Json = Record<string, any>;

async function call(url: string, init: RequestInit & { bearer?: string; json?: unknown } = {}): Promise<Json> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.bearer) headers.authorization = `Bearer ${init.bearer}`;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method: init.method ?? 'GET', headers, body: init.json === undefined ? undefined : JSON.stringify(init.json) });
  const body = (await res.json()) as Json;
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

/** page → page, track "Order Completed" → purchase, identify → signup, as `segment.event` maps them. */
function eventTypeOf(event: Json): string | undefined {
  if (event.type === 'page') return 'page';
  if (event.type === 'identify') return 'signup';
  if (event.type === 'track' && event.event === 'Order Completed') return 'purchase';
  return undefined;
}

/**
 * Builds the per-process delivery function: one SMTP transport (a fresh
 * connection per message, like `email.send`), `fetch` for HTTP.
 *
 * @example const handle = plainSegmentation(targets); await handle(segmentEvent);
 */
export function plainSegmentation(t: PlainTargets): (event: Json) => Promise<void> {
  const mail = nodemailer.createTransport({ host: t.smtpHost, port: t.smtpPort, secure: false });
  return async (event) => {
    const eventType = eventTypeOf(event);
    if (!eventType) return;
    const traits = event.type === 'identify' ? (event.traits ?? {}) : (event.context?.traits ?? {});
    const email = traits.email ?? null;
    const props = event.properties ?? {};
    const request =
      eventType === 'page'
        ? { userId: event.userId, eventType, segment: 'browsers', features: { page: props.path, title: props.title, referrer: props.referrer } }
        : eventType === 'purchase'
          ? {
              userId: event.userId,
              eventType,
              segment: props.total >= 100 ? 'high-value' : 'buyers',
              features: { orderTotal: props.total, currency: props.currency, items: props.products?.length ?? 0, skus: (props.products ?? []).map((p: Json) => p.product_id) },
            }
          : { userId: event.userId, eventType, segment: 'new-users', features: { plan: traits.plan, source: event.context?.campaign?.source } };

    const prediction = await call(`${t.mlUrl}/predict`, { method: 'POST', json: request });
    const channel = traits.preferred_channel === 'push' ? 'push' : 'email';
    const content = prediction.confidence > 0.7 ? 'personalized' : 'default';
    const user = { userId: prediction.userId, email, channel, eventType, segment: request.segment, confidence: prediction.confidence, model: prediction.model, content };

    const query = new URLSearchParams({ segment: user.segment, variant: content, user: user.userId });
    const { variants } = await call(`${t.contentUrl}/content?${query}`);
    const fits = variants.filter((v: Json) => v.channel === channel || v.channel === 'any');
    const pool: Json[] = fits.length ? fits : variants;
    const best = [...pool].sort((a, b) => b.score - a.score)[0];

    const now = new Date().toISOString();
    await call(`${t.brazeUrl}/users/track`, {
      method: 'POST',
      bearer: t.brazeApiKey,
      json: {
        attributes: [{ email, segment: user.segment, ml_confidence: user.confidence, content_variant: content, preferred_channel: channel, last_event_type: eventType, next_best_variant: best.id, external_id: user.userId }],
        events: [{ name: 'segmentation_routed', properties: { event_type: eventType, content, variant_id: best.id, channel }, external_id: user.userId, time: now }],
        ...(eventType === 'purchase'
          ? { purchases: props.products.map((p: Json) => ({ product_id: p.product_id, currency: String(props.currency).toUpperCase(), price: p.price, quantity: p.quantity, external_id: user.userId, time: now })) }
          : {}),
      },
    });
    await call(`${t.brazeUrl}/campaigns/trigger/send`, {
      method: 'POST',
      bearer: t.brazeApiKey,
      json: {
        campaign_id: 'personalized-recommendations',
        recipients: [{ external_user_id: user.userId, trigger_properties: { variant_id: best.id, title: best.title, content, channel } }],
      },
    });

    if (channel === 'email') {
      await mail.sendMail({
        from: 'Growth team <growth@shop.example.com>',
        to: email,
        subject: best.title,
        text: `Hi,\n\n${best.body}\n\n— picked for you (${content} content, variant ${best.id})`,
      });
    } else {
      await call(`${t.pushUrl}/send`, {
        method: 'POST',
        bearer: t.pushApiKey,
        json: { to: user.userId, title: best.title, body: best.body, data: { variantId: best.id, content } },
      });
    }
  };
}
