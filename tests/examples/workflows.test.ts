/**
 * Each of seed 002's workflows runs to success against its stand-ins on the
 * in-process engine, and the stand-ins' records show it did what the
 * scenario says: who got which email, which API calls were made in which
 * order, what was computed.
 */
import jstat from 'jstat';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/runtime/engine';
import { startExampleServices, type ExampleServices } from '../../examples/services/extra';
import { engagementOf } from '../../examples/services/extra/esp';
import { UNAVAILABLE_SYSTEM } from '../../examples/services/extra/accounts';
import { clientsOf } from '../../examples/services/extra/keys';
import { simulatedResults } from '../../examples/services/extra/flags';
import { createRegistry } from '../../nodes';
import { exampleEngine, readExample, readInput, runToEnd, stepsOf } from './support';

const IDS = ['user-segmentation', 'email-marketing-campaign', 'ab-test-setup', 'account-deletion', 'api-key-rotation', 'billing-dispute'];

let stand: ExampleServices;
let engine: Engine;
beforeAll(async () => {
  stand = await startExampleServices();
  engine = await exampleEngine(stand, await createRegistry(), IDS.map(readExample));
});
afterAll(async () => {
  await engine?.close();
  await stand?.close();
});
beforeEach(() => stand.reset());

const bodies = (records: Array<{ method: string; path: string; body: unknown }>, method: string, pattern: RegExp) =>
  records.filter((r) => r.method === method && pattern.test(r.path)).map((r) => r.body as any);

describe('user-segmentation', () => {
  it('sends the sample purchase through ML, content, Braze and email', async () => {
    const input = readInput('user-segmentation');
    const run = await runToEnd(engine, 'user-segmentation', input);
    expect(run.status).toBe('succeeded');
    expect(run.steps.map((s) => s.nodeId)).toEqual(['n1', 'n2', 'n3', 'n4', 'n6', 'n8', 'n9', 'n10', 'n11', 'n13', 'n14', 'n15', 'n16', 'n17', 'n18', 'n20']);
    const [track] = bodies(stand.services.recorders.braze.records, 'POST', /users\/track/);
    expect(track.attributes[0]).toMatchObject({ external_id: 'user-8', segment: 'high-value', content_variant: 'personalized', preferred_channel: 'email' });
    expect(track.purchases.map((p: any) => p.product_id)).toEqual(input.properties.products.map((p: any) => p.product_id));
    expect(stand.services.smtp.messages.map((m) => m.to)).toEqual([[input.context.traits.email]]);
    // The email variant of the personalized content, the best score among email variants.
    expect(stand.services.smtp.messages[0].subject).toBe('Picked for high-value');
  });
});

describe('email-marketing-campaign', () => {
  it('checks the domain, waits for the send time, sends each subscribed recipient its segment\'s copy and reports engagement per variant', async () => {
    const brief = readInput('email-marketing-campaign');
    const run = await runToEnd(engine, 'email-marketing-campaign', brief);
    expect(run.status).toBe('succeeded');
    expect(stepsOf(run, 'schedule')).toHaveLength(1);

    const subscribed = brief.audience.filter((c: any) => !c.unsubscribed);
    const variantOf = new Map(subscribed.map((c: any, i: number) => [c.email, i % 2 === 0 ? 'A' : 'B']));
    const mails = stand.services.smtp.messages;
    expect(mails.map((m) => m.to[0]).sort()).toEqual(subscribed.map((c: any) => c.email).sort());
    for (const contact of subscribed) {
      const mail = mails.find((m) => m.to[0] === contact.email)!;
      const copy = brief.variants[variantOf.get(contact.email) as string];
      const dormant = contact.opens30d < 5 && contact.lastOrderDays > 30;
      expect(mail.subject).toBe(dormant ? `We miss you, ${contact.firstName}: ${copy.subject}` : copy.subject);
      expect(mail.text).toContain(copy.body);
    }

    const [report] = bodies(stand.extra.recorders.esp.records, 'POST', /^\/analytics$/);
    for (const variant of ['A', 'B']) {
      const sent = subscribed.filter((c: any) => variantOf.get(c.email) === variant).map((c: any) => engagementOf(c.email));
      expect(report.variants.find((v: any) => v.variant === variant)).toMatchObject({
        sent: sent.length,
        opens: sent.filter((e: any) => e.opened).length,
        clicks: sent.filter((e: any) => e.clicked).length,
      });
    }
    expect(report).toMatchObject({ campaignId: brief.campaignId, sent: subscribed.length, suppressed: brief.audience.length - subscribed.length });
  });

  it('holds the campaign and raises an alert when the deliverability check keeps failing', async () => {
    stand.extra.recorders.esp.addFault({ kind: 'error', status: 503, count: 2 });
    const run = await runToEnd(engine, 'email-marketing-campaign', readInput('email-marketing-campaign'));
    expect(run.status).toBe('succeeded');
    expect(stepsOf(run, 'deliverability')[0]).toMatchObject({ attempts: 2, port: 'error' });
    expect(stepsOf(run, 'held')).toHaveLength(1);
    expect(stand.services.smtp.messages).toEqual([]);
    const [alert] = bodies(stand.extra.recorders.esp.records, 'POST', /^\/analytics$/);
    expect(alert).toMatchObject({ type: 'deliverability-alert', status: 'unverified' });
    expect(alert.detail).toMatch(/503/);
  });
});

describe('ab-test-setup', () => {
  /** The two-sided p-value of a two-proportion z-test, computed with jStat. */
  const zTest = (c: { visitors: number; conversions: number }, t: { visitors: number; conversions: number }) => {
    const pooled = (c.conversions + t.conversions) / (c.visitors + t.visitors);
    const z = (t.conversions / t.visitors - c.conversions / c.visitors) / Math.sqrt(pooled * (1 - pooled) * (1 / c.visitors + 1 / t.visitors));
    return { z, pValue: 2 * (1 - jstat.jStat.normal.cdf(Math.abs(z), 0, 1)) };
  };

  it('sizes the test, allocates traffic, runs a z-test on the results and rolls out a significant winner', async () => {
    const brief = readInput('ab-test-setup');
    const run = await runToEnd(engine, 'ab-test-setup', brief);
    expect(run.status).toBe('succeeded');
    const h = brief.hypothesis;
    const p1 = h.baselineRate;
    const p2 = h.baselineRate + h.minimumDetectableEffect;
    const n = Math.ceil(((1.959964 + 0.8416212) ** 2 * (p1 * (1 - p1) + p2 * (1 - p2))) / (p2 - p1) ** 2);
    const [experiment] = bodies(stand.extra.recorders.flags.records, 'POST', /^\/experiments$/);
    expect(experiment.sampleSizePerVariant).toBe(n);
    expect(bodies(stand.extra.recorders.flags.records, 'PUT', /allocation$/)).toEqual([{ weights: { control: 50, treatment: 50 } }]);

    const results = simulatedResults({ key: brief.experiment, variants: brief.variants, weights: { control: 50, treatment: 50 }, sampleSizePerVariant: n });
    const expected = zTest(results.variants[0], results.variants[1]);
    const analysis = stepsOf(run, 'analysis')[0].output as any;
    expect(analysis.z).toBeCloseTo(expected.z, 9);
    expect(Math.abs(analysis.pValue - expected.pValue)).toBeLessThan(1e-6);
    expect(analysis).toMatchObject({ significant: true, decision: 'deploy', winner: 'treatment' });
    expect(bodies(stand.extra.recorders.flags.records, 'PUT', /rollout$/)).toEqual([expect.objectContaining({ variant: 'treatment' })]);
  });

  it('keeps the control when the difference is not significant', async () => {
    const brief = readInput('ab-test-setup');
    brief.experiment = 'checkout-copy-tweak';
    brief.variants[1].simulatedRate = 0.104;
    const run = await runToEnd(engine, 'ab-test-setup', brief);
    expect(run.status).toBe('succeeded');
    const analysis = stepsOf(run, 'analysis')[0].output as any;
    const expected = zTest(analysis.control, analysis.treatment);
    expect(Math.abs(analysis.pValue - expected.pValue)).toBeLessThan(1e-6);
    expect(expected.pValue).toBeGreaterThan(0.05);
    expect(analysis).toMatchObject({ significant: false, decision: 'keep-control' });
    expect(bodies(stand.extra.recorders.flags.records, 'PUT', /rollout$/)).toEqual([expect.objectContaining({ variant: 'control' })]);
  });

  it('refuses weights that do not add up to 100, naming the sum', async () => {
    const brief = readInput('ab-test-setup');
    brief.variants[1].weight = 40;
    const run = await runToEnd(engine, 'ab-test-setup', brief);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ nodeId: 'hypothesis', message: expect.stringContaining('add up to 90') });
    expect(stand.extra.recorders.flags.records).toEqual([]);
  });
});

describe('account-deletion', () => {
  it('records the reason, ends the subscription, cleans every system (resuming past the one that is down) and confirms by email', async () => {
    const request = readInput('account-deletion');
    const run = await runToEnd(engine, 'account-deletion', request);
    expect(run.status).toBe('succeeded');
    const calls = stand.extra.recorders.accounts.records.map((r) => `${r.method} ${r.path}`);
    expect(calls[0]).toBe('POST /feedback/cancellations');
    expect(calls[1]).toBe(`DELETE /billing/subscriptions/${request.userId}`);
    const systems = readExample('account-deletion').settings!.vars!.DATA_SYSTEMS as string;
    for (const system of systems.split(',')) expect(calls).toContain(`DELETE /data/${system}/users/${request.userId}`);
    // The system that is down was tried three times, then resumed past.
    expect(calls.filter((c) => c.includes(UNAVAILABLE_SYSTEM))).toHaveLength(3);
    expect(stepsOf(run, 'cleanup').find((s) => s.status === 'resumed')).toBeDefined();
    expect(stepsOf(run, 'summary')[0].output).toMatchObject({ pending: [UNAVAILABLE_SYSTEM] });
    const [mail] = stand.services.smtp.messages;
    expect(mail.to).toEqual([request.email]);
    expect(mail.subject).toBe('Your account has been deleted');
    expect(mail.text).toContain(`Still to be removed (within 30 days, we are on it): ${UNAVAILABLE_SYSTEM}`);
    expect(calls).not.toContain('POST /billing/retention-offers');
  });

  it('makes a retention offer instead when the reason is price, and deletes nothing', async () => {
    const request = { ...readInput('account-deletion'), reason: 'too-expensive', plan: 'basic' };
    const run = await runToEnd(engine, 'account-deletion', request);
    expect(run.status).toBe('succeeded');
    const calls = stand.extra.recorders.accounts.records.map((r) => `${r.method} ${r.path}`);
    expect(calls).toEqual(['POST /feedback/cancellations', 'POST /billing/retention-offers']);
    const [mail] = stand.services.smtp.messages;
    expect(mail.subject).toBe('Before you go: 50% off for 3 months');
    expect(mail.text).toMatch(/code STAY50-\d+/);
  });
});

describe('api-key-rotation', () => {
  it('creates a key, deprecates the old one, notifies every client, waits out the transition, revokes and audits', async () => {
    const input = readInput('api-key-rotation');
    const run = await runToEnd(engine, 'api-key-rotation', input);
    expect(run.status).toBe('succeeded');
    const keys = stand.extra.recorders.keys.records;
    expect(keys.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /services/${input.service}/keys`,
      `POST /services/${input.service}/keys`,
      `PATCH /services/${input.service}/keys/${input.service}-key-1`,
      `GET /services/${input.service}/clients`,
      `DELETE /services/${input.service}/keys/${input.service}-key-1`,
    ]);
    const expiresAt = (keys[2].body as { expiresAt: string }).expiresAt;
    const clients = clientsOf(input.service).map((c) => c.contactEmail);
    const mails = stand.services.smtp.messages;
    expect(mails.map((m) => m.to[0]).sort()).toEqual([...clients].sort());
    for (const mail of mails) expect(mail.text).toContain(`keeps working until ${expiresAt}`);
    // Dual-key period: revoked only after every client was told, and not before the announced expiry.
    const revokedAt = Date.parse(keys[4].at);
    expect(Math.max(...mails.map((m) => Date.parse(m.at)))).toBeLessThanOrEqual(revokedAt);
    expect(revokedAt).toBeGreaterThanOrEqual(Date.parse(expiresAt));
    const [audit] = bodies(stand.extra.recorders.audit.records, 'POST', /^\/events$/);
    expect(audit).toMatchObject({ action: 'api-key.rotated', actor: input.requestedBy, target: input.service, details: { newKeyId: `${input.service}-key-2`, revokedKeyId: `${input.service}-key-1`, revokedStatus: 'revoked' } });
    expect([...audit.details.clientsNotified].sort()).toEqual([...clients].sort());
  });
});

describe('billing-dispute', () => {
  it('reviews the charge and history, recommends contesting a low-risk dispute, and submits evidence once the lead approves', async () => {
    const event = readInput('billing-dispute');
    const parked = await runToEnd(engine, 'billing-dispute', event, { untilWait: true });
    expect(parked.status).toBe('waiting');
    expect(parked.waits[0]).toMatchObject({ kind: 'approval', nodeId: 'decision', reviewers: ['billing-lead'] });
    expect(parked.waits[0].message).toMatch(/recommendation: contest/);
    // Nothing is sent to the processor before a human decided.
    expect(bodies(stand.extra.recorders.payments.records, 'POST', /disputes/)).toEqual([]);

    await engine.decide(parked.id, 'decision', { decision: 'approved', by: 'billing-lead', comment: 'Long-time customer, 3DS passed' });
    const run = await engine.waitForRun(parked.id, 30_000, { untilFinal: true });
    expect(run!.status).toBe('succeeded');
    const [submitted] = bodies(stand.extra.recorders.payments.records, 'POST', new RegExp(`^/disputes/${event.data.object.id}$`));
    expect(submitted).toMatchObject({ submit: true, evidence: { product_description: 'Annual plan renewal' } });
    expect(submitted.evidence.uncategorized_text).toContain('Long-time customer, 3DS passed');
    const [audit] = bodies(stand.extra.recorders.audit.records, 'POST', /^\/events$/);
    expect(audit).toMatchObject({ action: 'dispute.contested', actor: 'billing-lead', target: event.data.object.id, details: { recommendation: 'contest', disputeStatus: 'under_review' } });
  });

  it('recommends accepting a risky dispute and closes it when the lead rejects contesting', async () => {
    const event = readInput('billing-dispute');
    event.data.object.charge = 'ch_suspect';
    event.data.object.id = 'dp_suspect';
    const parked = await runToEnd(engine, 'billing-dispute', event, { untilWait: true });
    expect(parked.waits[0].message).toMatch(/Fraud risk 100\/100 — recommendation: accept/);
    await engine.decide(parked.id, 'decision', { decision: 'rejected', by: 'billing-lead' });
    const run = await engine.waitForRun(parked.id, 30_000, { untilFinal: true });
    expect(run!.status).toBe('succeeded');
    expect(stand.extra.recorders.payments.records.map((r) => `${r.method} ${r.path}`)).toContain('POST /disputes/dp_suspect/close');
    expect(bodies(stand.extra.recorders.payments.records, 'POST', /^\/disputes\/dp_suspect$/)).toEqual([]);
    const [audit] = bodies(stand.extra.recorders.audit.records, 'POST', /^\/events$/);
    expect(audit).toMatchObject({ action: 'dispute.accepted', details: { decision: 'rejected', riskScore: 100 } });
  });
});
