/**
 * `approval`: parks the run until a named reviewer approves or rejects it in
 * the editor or through the API; the decision leaves on `approved` or `rejected`.
 */
import { defineNode, z } from '../sdk';

export default defineNode({
  type: 'approval',
  title: 'Approval',
  category: 'Human review',
  description: 'Waits for a reviewer\'s decision; routes on the approved and rejected handles with { decision, by, comment }.',
  config: z.object({
    reviewers: z.array(z.string().min(1)).min(1, 'Name at least one reviewer'),
    message: z.string().optional(),
  }),
  outputs: ['approved', 'rejected'],
  behaviour: 'wait',
  run: ({ config }) => ({ wait: { kind: 'approval', reviewers: config.reviewers, message: config.message } }),
});
