/**
 * `segment.rfm`: recency, frequency, monetary value and category interest
 * per customer, quintile scores 1–5 and the usual RFM grid, each member with
 * the reason in plain language.
 */
import { defineNode, z } from '../sdk';
import { periodFeatures, type RfmScores, type WindowConfig, windowFields } from './features';
import { RFM_DESCRIPTIONS, RFM_SEGMENTS, standingText } from './math/rfm';
import { buildSegmentation, slug, withSegmentation } from './segmentation';
import { readCustomerBase, type Assignment, type CustomerFeatures, type Segmentation } from './types';
import { daysAgo, formatNumber, plural } from './words';

const configSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'Letters, digits, _ and -').default('rfm').describe('Key of this segmentation in the bundle and the report'),
  ...windowFields,
});

/**
 * The reason a customer sits in their RFM cell.
 *
 * @example rfmExplanation(f, s, 90) // → 'last order 4 days ago — top 20%; 11 orders in 90 days — top 10%; 1,230 spent — top 15%'
 */
export function rfmExplanation(f: CustomerFeatures, s: RfmScores, lookbackDays: number): string {
  const recency = f.recencyDays === null ? 'no order on record' : `last order ${daysAgo(f.recencyDays)} — ${standingText(s.standing.r)}`;
  const damped = f.frequency < f.rawFrequency - 1e-9 ? ` (counted as ${formatNumber(f.frequency)}: a recent spike is damped)` : '';
  const frequency = `${plural(f.rawFrequency, 'order')} in ${lookbackDays} days${damped} — ${standingText(s.standing.f)}`;
  const monetary = `${formatNumber(Math.round(f.monetary * 100) / 100)} spent — ${standingText(s.standing.m)}`;
  const interest = f.topCategory ? `; mostly ${f.topCategory} (${Math.round((f.categoryShare[f.topCategory] ?? 0) * 100)}% of spend)` : '';
  return `${recency}; ${frequency}; ${monetary}${interest}`;
}

function segmentOf(name: string, features: CustomerFeatures[], scores: RfmScores[], asOf: string, config: WindowConfig): Omit<Segmentation, 'prior'> {
  const assignments: Assignment[] = features.map((f, i) => ({
    customerId: f.customerId,
    segmentId: slug(scores[i].segment),
    explanation: `${scores[i].segment} (R${scores[i].r} F${scores[i].f} M${scores[i].m}): ${rfmExplanation(f, scores[i], config.lookbackDays)}`,
    values: { recencyDays: f.recencyDays, frequency: f.frequency, monetary: f.monetary, topCategory: f.topCategory, r: scores[i].r, f: scores[i].f, m: scores[i].m },
  }));
  return buildSegmentation({
    name,
    method: 'rfm',
    asOf,
    definitions: RFM_SEGMENTS.map((s) => ({ id: slug(s), name: s, confirmed: true, description: RFM_DESCRIPTIONS[s] })),
    assignments,
    features,
    lookbackDays: config.lookbackDays,
    details: { lookbackDays: config.lookbackDays, spike: config.spike, grid: 'R × F quintile scores' },
  });
}

export default defineNode({
  type: 'segment.rfm',
  title: 'RFM segments',
  category: 'Segmentation',
  description: 'Scores recency, frequency and spend 1–5 and places every customer in the RFM grid (Champions … Lost) with the reason in plain words.',
  config: configSchema,
  pure: true,
  run(ctx) {
    const config = configSchema.parse(ctx.config);
    const base = readCustomerBase(ctx.input, 'segment.rfm');
    const periods = periodFeatures(base, config);
    const current = segmentOf(config.name, periods.current.features, periods.current.scores, periods.current.window.asOf, config);
    const prior = periods.prior ? segmentOf(config.name, periods.prior.features, periods.prior.scores, periods.prior.window.asOf, config) : undefined;
    return {
      output: withSegmentation(
        { ...base, features: periods.current.features, ...(base.prior && periods.prior ? { prior: { ...base.prior, features: periods.prior.features } } : {}) },
        { ...current, ...(prior ? { prior } : {}) },
      ),
    };
  },
});
