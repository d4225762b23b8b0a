/**
 * `segment.compare`: each segmentation against its prior period — stability,
 * ARI, transitions, PSI drift, churn and expansion, campaign lift — added to
 * the bundle under `comparisons` and written to the run log.
 */
import { defineNode, z } from '../sdk';
import { compareSegmentations, type Comparison } from './compare';
import { periodFeatures, windowFields } from './features';
import { readCustomerBase } from './types';

const configSchema = z.object({
  segmentations: z.array(z.string().min(1)).optional().describe('Names of the segmentations to compare; default: every one with a prior period'),
  features: z.array(z.string().min(1)).default(['recencyDays', 'frequency', 'monetary', 'avgOrderValue', 'engagement']).describe('Features whose drift (PSI) is measured'),
  activeDays: z.coerce.number().int().min(1).max(3650).default(90).describe('A customer with an order this recent counts as active (for churn)'),
  expansionThreshold: z.coerce.number().min(0).max(10).default(0.1).describe('Spend growth above which a customer counts as expanding (0.1 = 10%)'),
  campaign: z
    .object({
      eventType: z.string().default('campaign'),
      groupField: z.string().default('group'),
      treatment: z.string().default('treatment'),
      control: z.string().default('control'),
      metric: z.string().default('converted').describe('Boolean outcome (two-proportion z-test) or a number (Welch\'s t-test)'),
      alpha: z.coerce.number().min(0.0001).max(0.5).default(0.05),
    })
    .optional()
    .describe('Campaign exposure events to measure lift per segment'),
  ...windowFields,
});

export default defineNode({
  type: 'segment.compare',
  title: 'Compare with last period',
  category: 'Segmentation',
  description: 'Stability, Adjusted Rand Index, transition matrix, PSI drift per feature, churn and expansion per segment, and campaign lift with a significance test — against the prior period.',
  config: configSchema,
  pure: true,
  run(ctx) {
    const config = configSchema.parse(ctx.config);
    const base = readCustomerBase(ctx.input, 'segment.compare');
    const all = base.segmentations ?? {};
    const names = config.segmentations ?? Object.keys(all).filter((n) => all[n].prior);
    if (names.length === 0) throw Object.assign(new Error('segment.compare: no segmentation with a prior period in the input — load a "prior" period in data.load'), { retryable: false });
    if (!base.prior) throw Object.assign(new Error('segment.compare: the input has no prior period to compare with'), { retryable: false });
    // Prefer the features the segmentation steps measured, so compare uses the same look-back they did.
    const computed = base.features && base.prior.features ? undefined : periodFeatures(base, config);
    const currentFeatures = base.features ?? computed!.current.features;
    const priorFeatures = base.prior.features ?? computed!.prior!.features;
    const comparisons: Record<string, Comparison> = {};
    for (const name of names) {
      const segmentation = all[name];
      if (!segmentation) throw Object.assign(new Error(`segment.compare: no segmentation named "${name}" (have: ${Object.keys(all).join(', ') || 'none'})`), { retryable: false });
      if (!segmentation.prior) throw Object.assign(new Error(`segment.compare: segmentation "${name}" has no prior period`), { retryable: false });
      const comparison = compareSegmentations(segmentation, segmentation.prior, currentFeatures, priorFeatures, base.events, {
        features: config.features,
        activeDays: config.activeDays,
        expansionThreshold: config.expansionThreshold,
        lookbackDays: config.lookbackDays,
        campaign: config.campaign,
      });
      comparisons[name] = comparison;
      // Seed 004: stability, lift and drift are logged on every run.
      ctx.log.info('segment stability', { segmentation: name, stability: comparison.stability, adjustedRandIndex: comparison.adjustedRandIndex });
      ctx.log.info('feature drift', { segmentation: name, psi: Object.fromEntries(comparison.drift.map((d) => [d.feature, d.psi])) });
      if (comparison.lift) {
        ctx.log.info('campaign lift', {
          segmentation: name,
          lift: Object.fromEntries(comparison.lift.perSegment.map((l) => [l.name, { lift: l.lift, pValue: l.test.pValue }])),
        });
      }
    }
    return { output: { ...base, comparisons: { ...base.comparisons, ...comparisons } } };
  },
});
