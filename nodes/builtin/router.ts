/**
 * `router`: evaluates its subject once and sends the bundle along the edges
 * whose condition holds. The edge choice is the engine's (it needs the
 * edges); the node only computes the value the conditions compare.
 */
import { defineNode, expression, z } from '../sdk';

export default defineNode({
  type: 'router',
  title: 'Router',
  category: 'Flow',
  description: 'Routes the bundle by a value: "first" takes the first matching edge (a diamond), "all" every matching edge; an "else" edge runs when none matched.',
  config: z.object({
    subject: expression('The value edge conditions compare, e.g. input.confidence').optional(),
    mode: z.enum(['first', 'all']).default('first'),
  }),
  shape: 'diamond',
  behaviour: 'router',
  pure: true,
  run: ({ input }) => ({ output: input }),
});
