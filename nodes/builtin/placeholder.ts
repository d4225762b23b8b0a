/**
 * `placeholder`: stands in for a module an importer could not map (a Make
 * module, a diagram rectangle with no clear type). It keeps what was known
 * and fails validation with "needs configuring" until replaced.
 */
import { defineNode, z } from '../sdk';

export default defineNode({
  type: 'placeholder',
  title: 'Placeholder',
  category: 'Flow',
  description: 'An imported step that still needs a real node type.',
  config: z
    .object({
      module: z.string().optional().describe('The original module, e.g. google-sheets:addRow'),
      mapper: z.unknown().optional(),
      parameters: z.unknown().optional(),
      hint: z.string().optional(),
    })
    .loose(),
  check: (config) => [
    { message: `Needs configuring: replace this placeholder${config.module ? ` for "${config.module}"` : ''} with a real node type${config.hint ? ` (${config.hint})` : ''}` },
  ],
  run: () => {
    throw new Error('This placeholder needs configuring before it can run');
  },
});
