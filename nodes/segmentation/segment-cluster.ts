/**
 * `segment.cluster`: k-means on standardised (z-score) features, k given or
 * chosen by silhouette; each cluster explained by the features that set it
 * apart, with a suggested name that stays unconfirmed until a person
 * confirms it (seed 004's option C: the machine suggests, people decide).
 */
import { defineNode, z } from '../sdk';
import { notableContrasts, contrastText, suggestName, type FeatureContrast } from './cluster-words';
import { featureRecord, periodFeatures, type RfmScores, type WindowConfig, windowFields } from './features';
import { chooseK, clusterPoints, type ClusterResult } from './math/kmeans';
import { mean, standardDeviation, standardise } from './math/stats';
import { buildSegmentation, withSegmentation, type SegmentDefinition } from './segmentation';
import { readCustomerBase, type Assignment, type CustomerFeatures, type Segmentation } from './types';
import { formatNumber } from './words';

const configSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'Letters, digits, _ and -').default('clusters').describe('Key of this segmentation in the bundle and the report'),
    features: z
      .array(z.string().min(1))
      .min(1)
      .default(['recencyDays', 'frequency', 'monetary', 'avgOrderValue'])
      .describe('Numeric features to cluster on (recencyDays, frequency, monetary, avgOrderValue, engagement, r, f, m, share_<category>, numeric attributes)'),
    k: z.coerce.number().int().min(2).max(20).optional().describe('Number of clusters; leave empty to choose by silhouette'),
    kMin: z.coerce.number().int().min(2).max(20).default(2),
    kMax: z.coerce.number().int().min(2).max(20).default(8),
    seed: z.coerce.number().int().default(42).describe('Seed of the k-means++ starts: the same data and seed give the same clusters'),
    ...windowFields,
  })
  .refine((c) => c.kMin <= c.kMax, { message: 'kMin must not exceed kMax', path: ['kMin'] });

type Config = z.output<typeof configSchema>;

function matrixOf(features: CustomerFeatures[], scores: RfmScores[], names: string[], lookbackDays: number): number[][] {
  return features.map((f, i) => {
    const record = featureRecord(f, scores[i]);
    return names.map((name) => {
      const value = name === 'recencyDays' && record.recencyDays === null ? lookbackDays : (record[name] ?? (name.startsWith('share_') ? 0 : undefined));
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw Object.assign(new Error(`segment.cluster: feature "${name}" of customer ${f.customerId} is not a number (${JSON.stringify(value)})`), { retryable: false });
      }
      return value;
    });
  });
}

function clusterSegmentation(name: string, features: CustomerFeatures[], scores: RfmScores[], asOf: string, config: Config, k?: number) {
  const raw = matrixOf(features, scores, config.features, config.lookbackDays);
  const { rows } = standardise(raw);
  let result: ClusterResult;
  let scoresByK: Array<{ k: number; silhouette: number }> = [];
  if (k) result = clusterPoints(rows, k, { seed: config.seed });
  else ({ best: result, scores: scoresByK } = chooseK(rows, config.kMin, config.kMax, { seed: config.seed }));

  const overall = config.features.map((_f, j) => ({ mean: mean(raw.map((r) => r[j])), sd: standardDeviation(raw.map((r) => r[j])) }));
  const definitions: SegmentDefinition[] = [];
  const clusterContrasts: FeatureContrast[][] = [];
  const used = new Map<string, number>();
  for (let c = 0; c < result.k; c++) {
    const members = raw.filter((_r, i) => result.labels[i] === c);
    const contrasts = config.features.map((feature, j) => {
      const clusterMean = mean(members.map((r) => r[j]));
      return { feature, clusterMean, overallMean: overall[j].mean, z: overall[j].sd > 0 ? (clusterMean - overall[j].mean) / overall[j].sd : 0 };
    });
    const notable = notableContrasts(contrasts);
    clusterContrasts.push(notable);
    let suggested = suggestName(contrasts);
    const seen = used.get(suggested) ?? 0;
    used.set(suggested, seen + 1);
    if (seen) suggested = `${suggested} ${seen + 1}`;
    definitions.push({ id: `cluster-${c + 1}`, name: suggested, suggestedName: suggested, confirmed: false, description: notable.map(contrastText).join('; ') });
  }
  const assignments: Assignment[] = features.map((f, i) => {
    const c = result.labels[i];
    const notable = clusterContrasts[c];
    const values = Object.fromEntries(config.features.map((feature, j) => [feature, raw[i][j]]));
    const own = notable
      .map((n) => `${n.feature} ${formatNumber(Math.round(values[n.feature] * 10) / 10)} (cluster average ${formatNumber(Math.round(n.clusterMean * 10) / 10)}, everyone ${formatNumber(Math.round(n.overallMean * 10) / 10)})`)
      .join('; ');
    return { customerId: f.customerId, segmentId: `cluster-${c + 1}`, values, explanation: `${definitions[c].name} (suggested; ${definitions[c].description}) — this customer: ${own}` };
  });
  const segmentation = buildSegmentation({
    name,
    method: 'kmeans',
    asOf,
    definitions,
    assignments,
    features,
    lookbackDays: config.lookbackDays,
    details: {
      k: result.k,
      chosenBy: k ? 'given' : 'silhouette',
      silhouette: result.silhouette,
      silhouetteByK: scoresByK,
      features: config.features,
      standardisation: 'z-score per feature (population standard deviation)',
      seed: config.seed,
      centroids: result.centroids,
      lookbackDays: config.lookbackDays,
      spike: config.spike,
    },
  });
  return { segmentation, k: result.k };
}

export default defineNode({
  type: 'segment.cluster',
  title: 'Cluster segments',
  category: 'Segmentation',
  description: 'k-means on standardised features (k given or chosen by silhouette); explains each cluster in words and suggests a name for a person to confirm.',
  config: configSchema,
  pure: true,
  run(ctx) {
    const config = configSchema.parse(ctx.config);
    const base = readCustomerBase(ctx.input, 'segment.cluster');
    const periods = periodFeatures(base, config as WindowConfig);
    const current = clusterSegmentation(config.name, periods.current.features, periods.current.scores, periods.current.window.asOf, config, config.k);
    // The prior period is clustered with the same k so the two can be compared cluster for cluster.
    const prior = periods.prior
      ? clusterSegmentation(config.name, periods.prior.features, periods.prior.scores, periods.prior.window.asOf, config, current.k).segmentation
      : undefined;
    ctx.log.info('customers clustered', { k: current.k, silhouette: current.segmentation.details.silhouette });
    const segmentation: Segmentation = { ...current.segmentation, ...(prior ? { prior } : {}) };
    return {
      output: withSegmentation(
        { ...base, features: periods.current.features, ...(base.prior && periods.prior ? { prior: { ...base.prior, features: periods.prior.features } } : {}) },
        segmentation,
      ),
    };
  },
});
