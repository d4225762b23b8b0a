/**
 * The look-back settings every segmentation step shares, and the flat
 * feature record rules read and clustering measures.
 */
import { z } from '../sdk';
import { computeFeatures, dayNumber, DEFAULT_SPIKE, latestOrderDate, quintileScore, rfmSegment, standings, type FeatureWindow, type Standing } from './math/rfm';
import type { CustomerBase, CustomerFeatures, PeriodData } from './types';

/** Config fields for the look-back window and spike damping (spread into a node's config object). */
export const windowFields = {
  asOf: z.string().optional().describe('Reference date (YYYY-MM-DD); default: the period\'s asOf, else its latest order'),
  lookbackDays: z.coerce.number().int().min(7).max(3650).default(365).describe('Frequency, spend and interest are measured over this many days'),
  spike: z
    .object({
      windowDays: z.coerce.number().int().min(1).max(365).default(DEFAULT_SPIKE.windowDays),
      maxRatio: z.coerce.number().min(1).max(100).default(DEFAULT_SPIKE.maxRatio),
      floor: z.coerce.number().min(0).max(1000).default(DEFAULT_SPIKE.floor),
    })
    .default({ ...DEFAULT_SPIKE })
    .describe('Recent orders count at most maxRatio × the customer\'s own long-run rate (at least floor orders)'),
};

export interface WindowConfig {
  asOf?: string;
  lookbackDays: number;
  spike: { windowDays: number; maxRatio: number; floor: number };
}

function windowFor(period: PeriodData, config: WindowConfig, asOf?: string): FeatureWindow {
  const date = asOf ?? period.asOf ?? latestOrderDate(period.orders) ?? new Date().toISOString().slice(0, 10);
  return { asOf: date.slice(0, 10), lookbackDays: config.lookbackDays, spike: config.spike };
}

/** R, F and M scores with the standings behind them. */
export interface RfmScores {
  r: number;
  f: number;
  m: number;
  standing: { r: Standing; f: Standing; m: Standing };
  segment: ReturnType<typeof rfmSegment>;
}

/**
 * Quintile scores and grid segment for every customer of a period.
 *
 * @example scoreRfm(features)[0] // → { r: 5, f: 4, m: 4, segment: 'Champions', … }
 */
export function scoreRfm(features: ReadonlyArray<CustomerFeatures>): RfmScores[] {
  const r = standings(features.map((f) => f.recencyDays), false);
  const f = standings(features.map((x) => x.frequency), true);
  const m = standings(features.map((x) => x.monetary), true);
  return features.map((_x, i) => {
    const scores = { r: quintileScore(r[i]), f: quintileScore(f[i]), m: quintileScore(m[i]) };
    return { ...scores, standing: { r: r[i], f: f[i], m: m[i] }, segment: rfmSegment(scores.r, scores.f) };
  });
}

/** Features of both periods of a customer base. */
export interface PeriodFeatures {
  current: { window: FeatureWindow; features: CustomerFeatures[]; scores: RfmScores[] };
  prior?: { window: FeatureWindow; features: CustomerFeatures[]; scores: RfmScores[] };
}

/**
 * @example const { current, prior } = periodFeatures(base, { lookbackDays: 365, spike: DEFAULT_SPIKE });
 */
export function periodFeatures(base: CustomerBase, config: WindowConfig): PeriodFeatures {
  const make = (period: PeriodData, asOf?: string) => {
    const window = windowFor(period, config, asOf);
    // A period seen from an earlier date (last quarter) must not include people who signed up after it.
    const asOfDay = dayNumber(window.asOf);
    const customers = period.customers.filter((c) => typeof c.signupDate !== 'string' || dayNumber(c.signupDate) <= asOfDay);
    const features = computeFeatures({ ...period, customers }, window);
    return { window, features, scores: scoreRfm(features) };
  };
  return { current: make(base, config.asOf), ...(base.prior ? { prior: make(base.prior) } : {}) };
}

/**
 * The flat record a rule sees and clustering can pick numbers from: the
 * customer's attributes, then the features and RFM scores (features win a name clash).
 *
 * @example featureRecord(features[0], scores[0]).frequency // → 11
 */
export function featureRecord(f: CustomerFeatures, s: RfmScores): Record<string, unknown> {
  const shares: Record<string, number> = {};
  for (const [c, v] of Object.entries(f.categoryShare)) shares[`share_${c.replace(/\W+/g, '_')}`] = v;
  return {
    ...f.attributes,
    customerId: f.customerId,
    recencyDays: f.recencyDays,
    frequency: f.frequency,
    monetary: f.monetary,
    avgOrderValue: f.avgOrderValue,
    engagement: f.engagement,
    topCategory: f.topCategory,
    categoryShare: f.categoryShare,
    ...shares,
    r: s.r,
    f: s.f,
    m: s.m,
    rfmSegment: s.segment,
  };
}
