/**
 * The three documents of seed 000's Customer Segmentation Review, as report
 * blocks: the segmentation refresh report, the persona alignment assessment
 * and the segment performance comparison.
 */
import type { Comparison } from '../compare';
import type { CustomerBase, Segmentation, SegmentSummary } from '../types';
import { formatNumber, percent, plural } from '../words';
import type { Block } from './blocks';

/** A documented persona: the direction each feature should have against the average customer. */
export interface Persona {
  name: string;
  description?: string;
  expects: Record<string, 'high' | 'low'>;
}

/** Used when the scenario documents no personas of its own. */
export const DEFAULT_PERSONAS: Persona[] = [
  { name: 'Loyal high-value customer', expects: { frequency: 'high', monetary: 'high', recencyDays: 'low' } },
  { name: 'Bargain hunter', expects: { frequency: 'high', avgOrderValue: 'low' } },
  { name: 'Occasional big spender', expects: { frequency: 'low', avgOrderValue: 'high' } },
  { name: 'Lapsed customer', expects: { recencyDays: 'high', frequency: 'low' } },
];

/** A profile value counts as high at 1.25× the average and low at 0.8× of it. */
const HIGH = 1.25;
const LOW = 0.8;

const round = (n: number, digits = 1) => formatNumber(Math.round(n * 10 ** digits) / 10 ** digits);

function overallProfile(segmentation: Segmentation): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of segmentation.segments) for (const [k, v] of Object.entries(s.profile)) out[k] = (out[k] ?? 0) + v * s.share;
  return out;
}

function nameCell(s: SegmentSummary): string {
  return s.confirmed ? s.name : `${s.name} (suggested, not confirmed)`;
}

/** Section 1: what was loaded, merged and dropped, and the segments now. */
export function refreshReport(base: CustomerBase): Block[] {
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: 'Segmentation refresh report', id: 'refresh' }];
  const quality = (base.quality ?? {}) as Record<string, any>;
  const facts: string[] = [`${formatNumber(base.customers.length)} customers, ${formatNumber(base.orders.length)} orders and ${formatNumber(base.events.length)} events in this period.`];
  if (quality.identity) {
    const id = quality.identity;
    facts.push(`Identity resolution: ${formatNumber(id.profilesIn)} profiles became ${formatNumber(id.profilesOut)} customers through ${formatNumber(id.merges.length)} merges.`);
    facts.push(`Missing profiles: ${plural(id.missingProfiles.count, "customer id")} in orders or events match no profile (${plural(id.missingProfiles.orders, "order")}, ${plural(id.missingProfiles.events, "event")}${id.missingProfiles.dropped ? ', left out' : ', kept'}).`);
  }
  if (quality.consent) {
    const c = quality.consent;
    facts.push(
      `Consent for "${c.purpose}": ${formatNumber(c.kept)} kept, ${formatNumber(c.dropped)} left out (${Object.entries(c.reasons as Record<string, number>)
        .map(([why, n]) => `${formatNumber(n)} ${why}`)
        .join(', ')}).`,
    );
  }
  if (quality.load) {
    const skipped = ['customers', 'orders', 'events'].reduce((s, t) => s + (quality.load[t]?.skipped ?? 0), 0);
    if (skipped) facts.push(`${formatNumber(skipped)} rows failed their column schema and were left out.`);
  }
  blocks.push({ kind: 'list', items: facts });
  for (const segmentation of Object.values(base.segmentations ?? {})) {
    blocks.push({ kind: 'heading', level: 3, text: `${segmentation.name} — ${methodText(segmentation)}` });
    blocks.push({
      kind: 'table',
      headers: ['Segment', 'Members', 'Share', 'What sets it apart'],
      rows: segmentation.segments.map((s) => [nameCell(s), formatNumber(s.size), percent(s.share), s.description]),
      align: ['left', 'right', 'right', 'left'],
    });
    blocks.push({ kind: 'chart', title: `Members per segment (${segmentation.name})`, bars: segmentation.segments.map((s) => ({ label: s.name, value: s.size, display: `${formatNumber(s.size)} (${percent(s.share)})` })) });
    const unconfirmed = segmentation.segments.filter((s) => !s.confirmed);
    if (unconfirmed.length) blocks.push({ kind: 'paragraph', text: `${unconfirmed.length} segment names are machine suggestions; a reviewer confirms or renames them before activation.` });
  }
  return blocks;
}

/** "15.8% (6/38)", or a dash with the reason when there was no one to count (0/0 is not 0%). */
function rateText(rate: number, count: number, of: number, none: string): string {
  return of ? `${percent(rate)} (${count}/${of})` : `— (${none})`;
}

function methodText(s: Segmentation): string {
  const d = s.details as Record<string, any>;
  if (s.method === 'kmeans') return `k-means on ${(d.features as string[]).join(', ')} (z-scores), k = ${d.k} ${d.chosenBy === 'silhouette' ? 'chosen by' : 'given; '} silhouette ${round(d.silhouette, 2)}, as of ${s.asOf}`;
  if (s.method === 'rules') return `${(d.rules as unknown[]).length} ordered rules, first match wins, as of ${s.asOf}`;
  return `RFM quintile grid over ${d.lookbackDays} days, as of ${s.asOf}`;
}

/** Section 2: do the documented personas still match the segments the data shows? */
export function personaAlignment(base: CustomerBase, personas: Persona[]): Block[] {
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: 'Persona alignment assessment', id: 'personas' }];
  blocks.push({ kind: 'paragraph', text: `Each persona states which features should be high (≥ ${HIGH}× the average) or low (≤ ${LOW}× the average); it is matched to the segment whose profile meets most of those expectations.` });
  for (const segmentation of Object.values(base.segmentations ?? {})) {
    const overall = overallProfile(segmentation);
    const rows = personas.map((persona) => {
      let best: { segment: SegmentSummary; met: string[]; missed: string[] } | undefined;
      for (const segment of segmentation.segments) {
        const met: string[] = [];
        const missed: string[] = [];
        for (const [feature, direction] of Object.entries(persona.expects)) {
          const ratio = overall[feature] ? (segment.profile[feature] ?? 0) / overall[feature] : 1;
          const ok = direction === 'high' ? ratio >= HIGH : ratio <= LOW;
          (ok ? met : missed).push(`${feature} ${direction} (${round(ratio, 2)}×)`);
        }
        if (!best || met.length > best.met.length) best = { segment, met, missed };
      }
      const total = Object.keys(persona.expects).length;
      const score = best ? best.met.length / total : 0;
      const verdict = score === 1 ? 'aligned' : score >= 0.5 ? 'partly aligned' : 'not found in the data';
      return [persona.name, best ? best.segment.name : '—', `${best?.met.length ?? 0}/${total}`, verdict, best?.missed.join('; ') || '—'];
    });
    blocks.push({ kind: 'heading', level: 3, text: `Personas against ${segmentation.name}` });
    blocks.push({ kind: 'table', headers: ['Persona', 'Closest segment', 'Expectations met', 'Verdict', 'Not met'], rows, align: ['left', 'left', 'right', 'left', 'left'] });
    const matched = new Set(rows.filter((r) => r[3] !== 'not found in the data').map((r) => r[1]));
    const orphans = segmentation.segments.filter((s) => !matched.has(s.name));
    if (orphans.length) blocks.push({ kind: 'paragraph', text: `Segments no persona describes yet: ${orphans.map((s) => `${s.name} (${s.description})`).join('; ')}.` });
  }
  return blocks;
}

/** Section 3: stability, drift, churn and expansion, and campaign lift against the prior period. */
export function performanceComparison(base: CustomerBase): Block[] {
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: 'Segment performance comparison', id: 'performance' }];
  const comparisons = Object.values((base.comparisons ?? {}) as Record<string, Comparison>);
  if (comparisons.length === 0) {
    blocks.push({ kind: 'paragraph', text: 'No prior period was compared in this run.' });
    return blocks;
  }
  for (const c of comparisons) {
    blocks.push({ kind: 'heading', level: 3, text: `${c.segmentation}: ${c.priorAsOf} → ${c.asOf}` });
    blocks.push({
      kind: 'list',
      items: [
        `Stability: ${percent(c.stability)} of the ${formatNumber(c.compared)} customers present in both periods stayed in the same segment${c.method === 'kmeans' ? ' (clusters matched by overlap)' : ''}.`,
        `Adjusted Rand Index: ${round(c.adjustedRandIndex, 3)} (1 = the same grouping, 0 = chance).`,
        `${formatNumber(c.newCustomers)} new customers, ${formatNumber(c.goneCustomers)} no longer in the base.`,
      ],
    });
    blocks.push({
      kind: 'table',
      headers: ['Last period ↓ / now →', ...c.transitions.current.map((s) => s.name)],
      rows: c.transitions.prior.map((p, i) => [p.name, ...c.transitions.counts[i].map((n) => formatNumber(n))]),
      align: ['left', ...c.transitions.current.map(() => 'right' as const)],
    });
    blocks.push({
      kind: 'table',
      headers: ['Feature', 'PSI', 'Drift'],
      rows: c.drift.map((d) => [d.feature, round(d.psi, 4), d.band]),
      align: ['left', 'right', 'left'],
    });
    blocks.push({
      kind: 'chart',
      title: 'Feature drift (PSI; < 0.1 stable, 0.1–0.25 moderate, > 0.25 significant)',
      bars: c.drift.map((d) => ({ label: d.feature, value: d.psi, display: `${round(d.psi, 3)} ${d.band}`, tone: d.band === 'stable' ? 'good' : d.band === 'moderate' ? 'warn' : 'bad' })),
    });
    blocks.push({
      kind: 'table',
      headers: ['Segment last period', 'Members', 'Churn rate', 'Expansion rate'],
      rows: c.churnAndExpansion.map((s) => [s.name, formatNumber(s.members), rateText(s.churnRate, s.churned, s.active, 'none active'), rateText(s.expansionRate, s.expanded, s.spenders, 'no spenders')]),
      align: ['left', 'right', 'right', 'right'],
    });
    blocks.push({
      kind: 'chart',
      title: 'Churn rate per segment',
      bars: c.churnAndExpansion.map((s) => ({ label: s.name, value: s.active ? s.churnRate : 0, display: s.active ? percent(s.churnRate) : '— none active', tone: 'bad' })),
    });
    if (c.lift) {
      const test = c.lift.perSegment[0]?.test.test ?? 'two-proportion z-test';
      blocks.push({ kind: 'paragraph', text: `Campaign lift (${c.lift.campaign.eventType}: ${c.lift.campaign.treatment} against ${c.lift.campaign.control}, outcome "${c.lift.campaign.metric}"), tested per segment with a ${test} at α = ${c.lift.campaign.alpha}.` });
      blocks.push({
        kind: 'table',
        headers: ['Segment', 'Treatment', 'Control', 'Difference', 'Lift', 'p-value', 'Significant'],
        rows: c.lift.perSegment.map((l) => [
          l.name,
          `${round(l.treatment.mean * (l.test.test === 'two-proportion z-test' ? 100 : 1))}${l.test.test === 'two-proportion z-test' ? '%' : ''} of ${l.treatment.n}`,
          `${round(l.control.mean * (l.test.test === 'two-proportion z-test' ? 100 : 1))}${l.test.test === 'two-proportion z-test' ? '%' : ''} of ${l.control.n}`,
          round(l.difference, 3),
          l.lift === null ? '—' : percent(l.lift),
          // A segment the campaign missed in one group has nothing to test.
          l.treatment.n && l.control.n ? round(l.test.pValue, 4) : '—',
          l.treatment.n && l.control.n ? (l.test.significant ? 'yes' : 'no') : 'not tested (a group is empty)',
        ]),
        align: ['left', 'right', 'right', 'right', 'right', 'right', 'left'],
      });
      blocks.push({
        kind: 'chart',
        title: `Campaign lift per segment (* significant at α = ${c.lift.campaign.alpha}; — no conversions in control)`,
        // Colour only what the test supports: a significant gain green, a significant loss red, the rest grey.
        bars: c.lift.perSegment.map((l) => ({
          label: l.name,
          value: l.lift ?? 0,
          display: `${l.lift === null ? '—' : percent(l.lift)}${l.test.significant ? ' *' : ''}`,
          tone: !l.test.significant ? 'muted' : (l.lift ?? l.difference) < 0 ? 'bad' : 'good',
        })),
      });
    }
  }
  return blocks;
}
