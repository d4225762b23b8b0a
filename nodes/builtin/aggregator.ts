/**
 * `aggregator`: collects the bundles that came from one run of its iterator
 * back into one. The engine gathers them (it knows when no more can arrive)
 * and hands them over as `input.bundles`.
 */
import { defineNode, lazyExpression, z } from '../sdk';

export default defineNode({
  type: 'aggregator',
  title: 'Aggregator',
  category: 'Flow',
  description: 'Collects the bundles of one iterator run into { items: [...] }, each the bundle or `value` of it.',
  config: z.object({
    iterator: z.string().min(1, 'Name the iterator node whose bundles to collect'),
    value: lazyExpression('Optional: what to keep of each bundle, e.g. input.id').optional(),
  }),
  behaviour: 'aggregator',
  pure: true,
  run: async ({ input, config }) => {
    const bundles = (input as { bundles: unknown[] }).bundles;
    const items = config.value ? await Promise.all(bundles.map((b) => config.value!.evaluate(b))) : bundles;
    return { output: { items } };
  },
});
