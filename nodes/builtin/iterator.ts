/** `iterator`: one bundle per item of an array. */
import { defineNode, expression, z } from '../sdk';

export default defineNode({
  type: 'iterator',
  title: 'Iterator',
  category: 'Flow',
  description: 'Emits one bundle per item of an array; pair it with an aggregator to collect them again.',
  config: z.object({ items: expression('JSONata that yields the array, e.g. input.variants') }),
  behaviour: 'iterator',
  pure: true,
  run: ({ config }) => {
    const items = config.items;
    if (items === undefined || items === null) return [];
    return (Array.isArray(items) ? items : [items]).map((item) => ({ output: item }));
  },
});
