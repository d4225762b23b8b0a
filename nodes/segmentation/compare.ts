/**
 * Comparing a segmentation with the same segmentation of the prior period:
 * stability, Adjusted Rand Index, transitions, feature drift (PSI), churn and
 * expansion per segment, and campaign lift per segment with a significance test.
 *
 * Churn: of a prior segment's members who were active then (an order within
 * `activeDays` of the prior reference date), the share with no order within
 * `activeDays` of the current one. Expansion: of its members who spent
 * anything in the prior window, the share whose spend in the current window
 * exceeds it by more than `expansionThreshold` (10% by default).
 */
import { adjustedRandIndex, contingency, matchLabels, stability } from './math/ari';
import { populationStabilityIndex, type PsiResult } from './math/psi';
import { twoProportionZTest, welchTTest, type SignificanceTest } from './math/stats';
import type { CustomerEvent, CustomerFeatures, Segmentation } from './types';

export interface CampaignSpec {
  eventType: string;
  groupField: string;
  treatment: string;
  control: string;
  /** Field of the event holding the outcome: boolean → two-proportion z-test, number → Welch's t-test. */
  metric: string;
  alpha: number;
}

export interface CompareOptions {
  features: string[];
  activeDays: number;
  expansionThreshold: number;
  lookbackDays: number;
  campaign?: CampaignSpec;
}

export interface SegmentLift {
  segmentId: string;
  name: string;
  treatment: { n: number; mean: number };
  control: { n: number; mean: number };
  /** Treatment minus control (rate points for conversions). */
  difference: number;
  /** Relative lift (treatment / control − 1); null when the control mean is 0. */
  lift: number | null;
  test: SignificanceTest;
}

export interface Comparison {
  segmentation: string;
  method: string;
  asOf: string;
  priorAsOf: string;
  compared: number;
  newCustomers: number;
  goneCustomers: number;
  stability: number;
  adjustedRandIndex: number;
  /** For clusterings: which current cluster each prior cluster became (by overlap). */
  matchedSegments?: Record<string, string>;
  transitions: { prior: Array<{ id: string; name: string }>; current: Array<{ id: string; name: string }>; counts: number[][] };
  drift: Array<{ feature: string } & PsiResult>;
  churnAndExpansion: Array<{ segmentId: string; name: string; members: number; active: number; churned: number; churnRate: number; spenders: number; expanded: number; expansionRate: number }>;
  lift?: { campaign: CampaignSpec; perSegment: SegmentLift[] };
}

function featureValue(f: CustomerFeatures, name: string, lookbackDays: number): number {
  if (name === 'recencyDays') return f.recencyDays ?? lookbackDays;
  const value = (f as unknown as Record<string, unknown>)[name] ?? f.attributes[name];
  return typeof value === 'number' ? value : NaN;
}

/**
 * @example compareSegmentations(current, prior, currentFeatures, priorFeatures, events, options).stability // → 1 for identical periods
 */
export function compareSegmentations(
  current: Omit<Segmentation, 'prior'>,
  prior: Omit<Segmentation, 'prior'>,
  currentFeatures: CustomerFeatures[],
  priorFeatures: CustomerFeatures[],
  events: CustomerEvent[],
  options: CompareOptions,
): Comparison {
  const now = new Map(current.assignments.map((a) => [a.customerId, a.segmentId]));
  const then = new Map(prior.assignments.map((a) => [a.customerId, a.segmentId]));
  const both = [...then.keys()].filter((id) => now.has(id));
  const priorLabels = both.map((id) => then.get(id)!);
  const currentLabels = both.map((id) => now.get(id)!);
  const isClustering = current.method === 'kmeans';
  const table = contingency(priorLabels, currentLabels);
  const names = (seg: Omit<Segmentation, 'prior'>) => new Map(seg.segments.map((s) => [s.id, s.name]));
  const priorNames = names(prior);
  const currentNames = names(current);

  const drift = options.features.map((feature) => ({
    feature,
    ...populationStabilityIndex(
      priorFeatures.map((f) => featureValue(f, feature, options.lookbackDays)).filter(Number.isFinite),
      currentFeatures.map((f) => featureValue(f, feature, options.lookbackDays)).filter(Number.isFinite),
    ),
  }));

  const nowFeatures = new Map(currentFeatures.map((f) => [f.customerId, f]));
  const thenFeatures = new Map(priorFeatures.map((f) => [f.customerId, f]));
  const churnAndExpansion = prior.segments.map((segment) => {
    const members = prior.assignments.filter((a) => a.segmentId === segment.id).map((a) => a.customerId);
    let active = 0;
    let churned = 0;
    let spenders = 0;
    let expanded = 0;
    for (const id of members) {
      const before = thenFeatures.get(id);
      const after = nowFeatures.get(id);
      if (before?.recencyDays !== null && before !== undefined && before.recencyDays <= options.activeDays) {
        active++;
        if (!after || after.recencyDays === null || after.recencyDays > options.activeDays) churned++;
      }
      if (before && before.monetary > 0) {
        spenders++;
        if (after && after.monetary > before.monetary * (1 + options.expansionThreshold)) expanded++;
      }
    }
    return {
      segmentId: segment.id,
      name: segment.name,
      members: members.length,
      active,
      churned,
      churnRate: active ? churned / active : 0,
      spenders,
      expanded,
      expansionRate: spenders ? expanded / spenders : 0,
    };
  });

  return {
    segmentation: current.name,
    method: current.method,
    asOf: current.asOf,
    priorAsOf: prior.asOf,
    compared: both.length,
    newCustomers: [...now.keys()].filter((id) => !then.has(id)).length,
    goneCustomers: [...then.keys()].filter((id) => !now.has(id)).length,
    stability: stability(priorLabels, currentLabels, isClustering),
    adjustedRandIndex: adjustedRandIndex(priorLabels, currentLabels),
    ...(isClustering ? { matchedSegments: Object.fromEntries(matchLabels(table)) } : {}),
    transitions: {
      prior: table.priorLabels.map((id) => ({ id, name: priorNames.get(id) ?? id })),
      current: table.currentLabels.map((id) => ({ id, name: currentNames.get(id) ?? id })),
      counts: table.counts,
    },
    drift,
    churnAndExpansion,
    ...(options.campaign ? { lift: { campaign: options.campaign, perSegment: campaignLift(current, events, options.campaign) } } : {}),
  };
}

/**
 * Campaign outcome of treatment against control within each segment.
 *
 * @example campaignLift(segmentation, events, { eventType: 'campaign', groupField: 'group', treatment: 'treatment', control: 'control', metric: 'converted', alpha: 0.05 })
 */
export function campaignLift(segmentation: Omit<Segmentation, 'prior'>, events: CustomerEvent[], spec: CampaignSpec): SegmentLift[] {
  const segmentOf = new Map(segmentation.assignments.map((a) => [a.customerId, a.segmentId]));
  const outcomes = new Map<string, { treatment: number[]; control: number[]; binary: boolean }>();
  for (const e of events) {
    if (e.type !== spec.eventType) continue;
    const segment = segmentOf.get(e.customerId);
    const group = e[spec.groupField];
    if (segment === undefined || (group !== spec.treatment && group !== spec.control)) continue;
    const raw = e[spec.metric];
    const value = typeof raw === 'boolean' ? Number(raw) : typeof raw === 'number' ? raw : raw === undefined ? 0 : Number(raw);
    if (!Number.isFinite(value)) continue;
    const entry = outcomes.get(segment) ?? outcomes.set(segment, { treatment: [], control: [], binary: true }).get(segment)!;
    if (typeof raw === 'number' && raw !== 0 && raw !== 1) entry.binary = false;
    entry[group === spec.treatment ? 'treatment' : 'control'].push(value);
  }
  return segmentation.segments.map((segment) => {
    const o = outcomes.get(segment.id) ?? { treatment: [], control: [], binary: true };
    const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0);
    const t = mean(o.treatment);
    const c = mean(o.control);
    const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
    const test = o.binary
      ? twoProportionZTest(sum(o.treatment), o.treatment.length, sum(o.control), o.control.length, spec.alpha)
      : welchTTest(o.treatment, o.control, spec.alpha);
    return {
      segmentId: segment.id,
      name: segment.name,
      treatment: { n: o.treatment.length, mean: t },
      control: { n: o.control.length, mean: c },
      difference: t - c,
      lift: c > 0 ? t / c - 1 : null,
      test,
    };
  });
}
