import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCustomerBase } from '../../examples/data/generate';
import { startCrmStandIn, type CrmStandIn } from '../../examples/crm/server';
import consentFilter from '../../nodes/segmentation/consent-filter';
import crmPublish from '../../nodes/segmentation/crm-publish';
import dataLoad from '../../nodes/segmentation/data-load';
import identityResolve from '../../nodes/segmentation/identity-resolve';
import { adjustedRandIndex } from '../../nodes/segmentation/math/ari';
import reportRender from '../../nodes/segmentation/report-render';
import segmentCluster from '../../nodes/segmentation/segment-cluster';
import segmentCompare from '../../nodes/segmentation/segment-compare';
import segmentConfirm from '../../nodes/segmentation/segment-confirm';
import segmentRfm from '../../nodes/segmentation/segment-rfm';
import segmentRules from '../../nodes/segmentation/segment-rules';
import type { CustomerBase } from '../../nodes/segmentation/types';
import { runNode } from './context';

let dir: string;
let truth: Map<string, string>;
let prepared: CustomerBase;
let crm: CrmStandIn;

async function prepare(prior: 'same' | 'quarter'): Promise<CustomerBase> {
  const periods = JSON.parse(await readFile(path.join(dir, 'periods.json'), 'utf8'));
  const files = { customers: 'customers.csv', orders: 'orders.csv', events: 'events.ndjson' };
  const loaded = await runNode(
    dataLoad,
    { ...files, asOf: periods.asOf, prior: { ...files, asOf: prior === 'same' ? periods.asOf : periods.priorAsOf } },
    {},
    { dataDirs: [dir] },
  );
  const aliases = JSON.parse(await readFile(path.join(dir, 'aliases.json'), 'utf8'));
  const resolved = await runNode(identityResolve, { aliases, defaultCountryCode: '49' }, loaded);
  return runNode(consentFilter, { purpose: 'marketing' }, resolved);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'seg-base-'));
  // Drift-free so the planted segments hold in both periods.
  await writeCustomerBase(dir, { seed: 11, customers: 2000, drift: false });
  const rows = (await readFile(path.join(dir, 'truth.csv'), 'utf8')).trim().split('\n').slice(1);
  truth = new Map(rows.map((r) => r.split(',')).map(([id, planted]) => [id, planted]));
  prepared = await prepare('same');
  crm = await startCrmStandIn();
});

afterAll(async () => {
  await crm?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('segmentation on the planted customer base', () => {
  let clustered: CustomerBase;

  it('recovers the planted segments by clustering (ARI ≥ 0.9), with k chosen by silhouette', async () => {
    clustered = await runNode(segmentCluster, { kMin: 2, kMax: 6 }, prepared);
    const clusters = clustered.segmentations!.clusters;
    const members = clusters.assignments.filter((a) => truth.has(a.customerId));
    expect(members.length).toBeGreaterThan(1500);
    const ari = adjustedRandIndex(members.map((a) => truth.get(a.customerId)!), members.map((a) => a.segmentId));
    expect(ari).toBeGreaterThanOrEqual(0.9);
    expect(clusters.details.k).toBe(4);
    // Suggested names wait for a person.
    expect(clusters.segments.every((s) => s.confirmed === false && s.suggestedName === s.name)).toBe(true);
    expect(clusters.segments.map((s) => s.name).sort()).toEqual(['Frequent bargain hunters', 'Frequent high spenders', 'Lapsed customers', 'Occasional big spenders']);
  });

  it('explains every member of every segment, clusters in words', async () => {
    const rfm = await runNode(segmentRfm, {}, prepared);
    const rules = await runNode(segmentRules, { rules: [{ name: 'Big baskets', when: 'avgOrderValue >= 300' }, { name: 'Regulars', when: 'frequency >= 12' }] }, prepared);
    for (const segmentation of [clustered.segmentations!.clusters, rfm.segmentations.rfm, rules.segmentations.rules]) {
      expect(segmentation.assignments.length).toBe(prepared.customers.length);
      for (const a of segmentation.assignments) expect(a.explanation.length).toBeGreaterThan(20);
      for (const s of segmentation.segments) expect(s.description).not.toBe('');
    }
    const bigSpenders = clustered.segmentations!.clusters.segments.find((s) => s.name === 'Occasional big spenders')!;
    expect(bigSpenders.description).toMatch(/baskets are \d+(\.\d)?× the average size/);
    expect(rfm.segmentations.rfm.assignments[0].explanation).toMatch(/last order .* — (top|bottom) \d+%; \d+ orders? in 365 days/);
    const ruled = rules.segmentations.rules.assignments.find((a: { segmentId: string }) => a.segmentId === 'big-baskets');
    expect(ruled.rule).toBe('avgOrderValue >= 300');
    expect(ruled.values.avgOrderValue).toBeGreaterThanOrEqual(300);
    expect(ruled.explanation).toContain('avgOrderValue = ');
  });

  it('finds two identical periods perfectly stable with no drift', async () => {
    const compared = await runNode(segmentCompare, { campaign: {} }, clustered);
    const c = compared.comparisons.clusters;
    expect(c.stability).toBe(1);
    expect(c.adjustedRandIndex).toBe(1);
    for (const d of c.drift) expect(d.psi).toBe(0);
    expect(c.lift.perSegment.length).toBe(4);
    // The planted campaign lifts bargain hunters' conversion from 12% to 27%.
    const bargain = c.lift.perSegment.find((l: { name: string }) => l.name === 'Frequent bargain hunters');
    expect(bargain.test.test).toBe('two-proportion z-test');
    expect(bargain.test.significant).toBe(true);
  });

  it('sees last quarter drift on the real periods and damps the promotion spike', async () => {
    const driftDir = await mkdtemp(path.join(os.tmpdir(), 'seg-drift-'));
    try {
      await writeCustomerBase(driftDir, { seed: 5, customers: 600 });
      const saved = dir;
      dir = driftDir;
      const base = await prepare('quarter');
      dir = saved;
      const rfm = await runNode(segmentRfm, {}, base);
      const compared = await runNode(segmentCompare, {}, rfm);
      const c = compared.comparisons.rfm;
      expect(c.stability).toBeLessThan(1);
      expect(c.drift.find((d: { feature: string }) => d.feature === 'recencyDays').psi).toBeGreaterThan(0.1);
      // The spiked dormant customers made 4 cheap orders in 25 days; damping counts at most 2 of them.
      const spiked = rfm.features.filter((f: { rawFrequency: number; frequency: number }) => f.frequency < f.rawFrequency);
      expect(spiked.length).toBeGreaterThan(10);
    } finally {
      await rm(driftDir, { recursive: true, force: true });
    }
  });

  it('renders the three review documents as Markdown and a well-formed HTML page with SVG charts', async () => {
    const compared = await runNode(segmentCompare, { campaign: {} }, clustered);
    const report = await runNode(reportRender, { title: 'Quarterly review' }, compared);
    expect(report.title).toBe('Quarterly review');
    for (const heading of ['Segmentation refresh report', 'Persona alignment assessment', 'Segment performance comparison']) {
      expect(report.markdown).toContain(`## ${heading}`);
      expect(report.html).toContain(`<h2>${heading}</h2>`);
    }
    expect(report.html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(report.html).not.toMatch(/<script|src=|href=/);
    expect((report.html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(3);
    // Well-formed: every opened element is closed in order.
    const stack: string[] = [];
    const voids = new Set(['meta', 'br', 'img', 'input', 'link', 'hr']);
    for (const m of report.html.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g)) {
      const [, closing, tag, selfClosing] = m;
      if (voids.has(tag.toLowerCase()) || selfClosing) continue;
      if (closing) expect(stack.pop()).toBe(tag);
      else stack.push(tag);
    }
    expect(stack).toEqual([]);
  });

  it('refuses to activate unconfirmed names or without an approval, then publishes with the approval record', async () => {
    await expect(runNode(crmPublish, { url: `${crm.url}/segments` }, clustered)).rejects.toThrow(/no approval decision/);
    const halfway = { ...clustered, approvals: [{ decision: 'approved' as const, by: 'planner', segmentation: 'clusters' }] };
    await expect(runNode(crmPublish, { url: `${crm.url}/segments` }, halfway)).rejects.toThrow(/not confirmed by a person: clusters\/cluster-1/);
    await expect(runNode(segmentConfirm, { base: clustered }, { decision: 'rejected', by: 'planner', comment: 'names are off' })).rejects.toThrow(/planner rejected/);

    const confirmed = await runNode(segmentConfirm, { base: clustered, renames: { clusters: { 'cluster-1': 'Weekly bargain regulars' } } }, { decision: 'approved', by: 'planner', comment: 'ok' });
    const result = await runNode(crmPublish, { url: `${crm.url}/segments`, fields: ['email'], batchSize: 1000 }, confirmed);
    expect(result.published[0]).toMatchObject({ segmentation: 'clusters', assignments: clustered.customers.length, batches: Math.ceil(clustered.customers.length / 1000) });
    const received = crm.records.map((r) => r.body as any);
    expect(received).toHaveLength(result.published[0].batches);
    expect(received[0].approvals[0]).toMatchObject({ decision: 'approved', by: 'planner', segmentation: 'clusters' });
    expect(received[0].segments.map((s: { name: string }) => s.name)).toContain('Weekly bargain regulars');
    const first = received[0].assignments[0];
    expect(first.explanation).toBeTruthy();
    expect(first.email).toMatch(/@/);
    expect(crm.records[0].headers['idempotency-key']).toBe('run-1:step-1:clusters:0');
  });
});
