/**
 * `merge`: waits for every incoming branch that can still arrive in this run
 * (the engine decides when that is) and emits one bundle keyed by branch.
 */
import { defineNode, z } from '../sdk';

export default defineNode({
  type: 'merge',
  title: 'Merge',
  category: 'Flow',
  description: 'Waits for every branch that can still arrive, then emits { inputs: { <fromNodeId>: output } }.',
  config: z.object({}).loose(),
  behaviour: 'merge',
  pure: true,
  run: ({ input }) => ({ output: input }),
});
