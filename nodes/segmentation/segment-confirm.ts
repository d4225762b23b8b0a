/**
 * `segment.confirm`: after a person approved the review, confirms the
 * suggested segment names (or the renames they asked for) and records who
 * approved what, so activation can prove a human decided.
 */
import { defineNode, template, z } from '../sdk';
import { readCustomerBase, type ApprovalRecord, type Segmentation } from './types';

// The engine's approval step outputs `comment: null` when the reviewer wrote none.
const decision = z.object({ decision: z.enum(['approved', 'rejected']), by: z.string().min(1), comment: z.string().nullish() }).loose();

const configSchema = z.object({
  base: z
    .union([template('The bundle with the segmentations, e.g. {{ steps.report.output.base }}'), z.record(z.string(), z.unknown())])
    .describe('The customer base to confirm; usually an earlier step\'s output, since the approval step outputs only the decision'),
  approvals: z
    .union([template('The decisions, e.g. {{ [steps.reviewDS.output, steps.reviewPlanner.output] }}'), z.array(z.unknown()), z.record(z.string(), z.unknown())])
    .optional()
    .describe('Approval decisions; default: this step\'s input (the approval step just before it)'),
  segmentations: z.array(z.string().min(1)).optional().describe('Which segmentations the approval covers; default: all'),
  renames: z.record(z.string(), z.record(z.string(), z.string().min(1))).default({}).describe('{ segmentation: { segmentId: "Confirmed name" } }'),
});

/**
 * Confirms segment names of the approved segmentations.
 *
 * @example confirmSegmentation(clusters, { 'cluster-1': 'Weekday regulars' }, 'planner@example.com')
 */
export function confirmSegmentation(segmentation: Segmentation, renames: Record<string, string>, by: string): Segmentation {
  const names = new Map(segmentation.segments.map((s) => [s.id, renames[s.id] ?? s.name]));
  return {
    ...segmentation,
    segments: segmentation.segments.map((s) => ({ ...s, name: names.get(s.id)!, confirmed: true, confirmedBy: by })),
    details: { ...segmentation.details, confirmedBy: by },
  };
}

export default defineNode({
  type: 'segment.confirm',
  title: 'Confirm segment names',
  category: 'Segmentation',
  description: 'After an approval, confirms the suggested segment names (or renames them) and attaches the approval record that activation requires.',
  config: configSchema,
  pure: true,
  run(ctx) {
    const config = configSchema.parse(ctx.config);
    const base = readCustomerBase(config.base, 'segment.confirm');
    const raw = config.approvals ?? ctx.input;
    const list = Array.isArray(raw) ? raw : [raw];
    const decisions = list.map((d, i) => {
      const parsed = decision.safeParse(d);
      if (!parsed.success) throw Object.assign(new Error(`segment.confirm: approvals[${i}] is not an approval decision ({ decision, by }) — put an approval step before this one`), { retryable: false });
      return parsed.data;
    });
    if (decisions.length === 0) throw Object.assign(new Error('segment.confirm: no approval decision to confirm with'), { retryable: false });
    const rejected = decisions.find((d) => d.decision !== 'approved');
    if (rejected) throw Object.assign(new Error(`segment.confirm: ${rejected.by} rejected the segments${rejected.comment ? ` ("${rejected.comment}")` : ''}; nothing is confirmed`), { retryable: false });
    const all = base.segmentations ?? {};
    const names = config.segmentations ?? Object.keys(all);
    for (const name of [...names, ...Object.keys(config.renames)]) {
      if (!all[name]) throw Object.assign(new Error(`segment.confirm: no segmentation named "${name}" (have: ${Object.keys(all).join(', ') || 'none'})`), { retryable: false });
    }
    const by = decisions.map((d) => d.by).join(', ');
    const segmentations = { ...all };
    const at = new Date().toISOString();
    const approvals: ApprovalRecord[] = [];
    for (const name of names) {
      segmentations[name] = confirmSegmentation(all[name], config.renames[name] ?? {}, by);
      for (const d of decisions) {
        approvals.push({ decision: 'approved', by: d.by, ...(d.comment ? { comment: d.comment } : {}), at, segmentation: name, segments: segmentations[name].segments.map((s) => s.name) });
      }
    }
    ctx.log.info('segment names confirmed', { by, segmentations: names });
    return { output: { ...base, segmentations, approvals: [...(base.approvals ?? []), ...approvals] } };
  },
});
