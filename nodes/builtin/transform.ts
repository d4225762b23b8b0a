/** `transform`: maps the bundle with one JSONata expression. */
import { defineNode, expression, z } from '../sdk';

export default defineNode({
  type: 'transform',
  title: 'Transform',
  category: 'Data',
  description: 'Builds a new bundle from a JSONata expression over input, trigger, steps and vars.',
  config: z.object({ expression: expression('JSONata; its value becomes the output bundle') }),
  pure: true,
  // The engine has already evaluated `expression` against the scope.
  run: ({ config }) => ({ output: config.expression }),
});
