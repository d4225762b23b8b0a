/**
 * Stand-in for a feature-flag / experimentation service, used by the
 * ab-test-setup example. It keeps experiments in memory and simulates
 * traffic deterministically:
 *
 * - `POST /experiments` `{ key, hypothesis, metric, sampleSizePerVariant }` → 201 the experiment.
 * - `POST /experiments/:key/variants` `{ key, description?, simulatedRate }` → 201 the variant.
 *   `simulatedRate` is the conversion rate the simulator gives the variant (stand-in only).
 * - `PUT /experiments/:key/allocation` `{ weights: { <variant>: percent } }` (sums to 100) → the experiment, status `running`.
 * - `GET /experiments/:key/results` → `{ key, variants: [{ key, weight, visitors, conversions }] }`:
 *   visitors = round(sampleSizePerVariant × number of variants × weight / 100),
 *   conversions = round(visitors × simulatedRate).
 * - `PUT /experiments/:key/rollout` `{ variant, reason? }` → the experiment, status `concluded`, `rolledOut` = variant.
 */
import express, { type Router } from 'express';
import { ServiceRecorder } from '../recorder';

interface Experiment {
  key: string;
  hypothesis: unknown;
  metric: string;
  sampleSizePerVariant: number;
  variants: Array<{ key: string; description?: string; simulatedRate: number }>;
  weights?: Record<string, number>;
  status: 'draft' | 'running' | 'concluded';
  rolledOut?: string;
}

/**
 * The results the simulator reports for an experiment (see the module comment).
 *
 * @example simulatedResults(experiment).variants[0].visitors
 */
export function simulatedResults(experiment: Pick<Experiment, 'key' | 'variants' | 'weights' | 'sampleSizePerVariant'>) {
  const total = experiment.sampleSizePerVariant * experiment.variants.length;
  return {
    key: experiment.key,
    variants: experiment.variants.map((v) => {
      const weight = experiment.weights?.[v.key] ?? 0;
      const visitors = Math.round((total * weight) / 100);
      return { key: v.key, weight, visitors, conversions: Math.round(visitors * v.simulatedRate) };
    }),
  };
}

/**
 * @example app.use('/flags', createFlagsService().router)
 */
export function createFlagsService(): { router: Router; recorder: ServiceRecorder; experiments: Map<string, Experiment> } {
  const recorder = new ServiceRecorder();
  const experiments = new Map<string, Experiment>();
  const router = express.Router();
  router.use(express.json({ limit: '1mb' }));
  router.use(recorder.middleware());
  const find = (key: string, res: express.Response) => {
    const experiment = experiments.get(key);
    if (!experiment) res.status(404).json({ error: `No experiment "${key}"` });
    return experiment;
  };
  router.post('/experiments', (req, res) => {
    const { key, hypothesis, metric, sampleSizePerVariant } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof key !== 'string' || !key) return void res.status(400).json({ error: 'key is required', field: 'key' });
    if (typeof metric !== 'string' || !metric) return void res.status(400).json({ error: 'metric is required', field: 'metric' });
    if (typeof sampleSizePerVariant !== 'number' || !(sampleSizePerVariant > 0)) {
      return void res.status(400).json({ error: 'sampleSizePerVariant must be a positive number', field: 'sampleSizePerVariant' });
    }
    const experiment: Experiment = { key, hypothesis, metric, sampleSizePerVariant: Math.ceil(sampleSizePerVariant), variants: [], status: 'draft' };
    experiments.set(key, experiment);
    res.status(201).json(experiment);
  });
  router.post('/experiments/:key/variants', (req, res) => {
    const experiment = find(req.params.key, res);
    if (!experiment) return;
    const { key, description, simulatedRate } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof key !== 'string' || !key) return void res.status(400).json({ error: 'key is required', field: 'key' });
    if (typeof simulatedRate !== 'number' || simulatedRate < 0 || simulatedRate > 1) {
      return void res.status(400).json({ error: 'simulatedRate must be a number between 0 and 1', field: 'simulatedRate' });
    }
    const variant = { key, simulatedRate, ...(typeof description === 'string' ? { description } : {}) };
    experiment.variants = [...experiment.variants.filter((v) => v.key !== key), variant];
    res.status(201).json(variant);
  });
  router.put('/experiments/:key/allocation', (req, res) => {
    const experiment = find(req.params.key, res);
    if (!experiment) return;
    const weights = (req.body as { weights?: unknown })?.weights;
    if (typeof weights !== 'object' || weights === null) return void res.status(400).json({ error: 'weights must be an object', field: 'weights' });
    const entries = Object.entries(weights as Record<string, unknown>);
    const unknown = entries.find(([k]) => !experiment.variants.some((v) => v.key === k));
    if (unknown) return void res.status(409).json({ error: `weights name variant "${unknown[0]}", which the experiment does not have` });
    const sum = entries.reduce((s, [, w]) => s + Number(w), 0);
    if (Math.abs(sum - 100) > 1e-9) return void res.status(400).json({ error: `weights must add up to 100, not ${sum}`, field: 'weights' });
    experiment.weights = Object.fromEntries(entries.map(([k, w]) => [k, Number(w)]));
    experiment.status = 'running';
    res.json(experiment);
  });
  router.get('/experiments/:key/results', (req, res) => {
    const experiment = find(req.params.key, res);
    if (!experiment) return;
    if (!experiment.weights) return void res.status(409).json({ error: `Experiment "${experiment.key}" has no traffic allocation yet` });
    res.json(simulatedResults(experiment));
  });
  router.put('/experiments/:key/rollout', (req, res) => {
    const experiment = find(req.params.key, res);
    if (!experiment) return;
    const variant = (req.body as { variant?: unknown })?.variant;
    if (!experiment.variants.some((v) => v.key === variant)) return void res.status(400).json({ error: `variant must be one of the experiment's variants`, field: 'variant' });
    experiment.status = 'concluded';
    experiment.rolledOut = variant as string;
    experiment.weights = Object.fromEntries(experiment.variants.map((v) => [v.key, v.key === variant ? 100 : 0]));
    res.json(experiment);
  });
  return { router, recorder, experiments };
}
