/**
 * `crm.publish`: sends the segment assignments — each with its explanation —
 * and the approval record to a CRM endpoint. It is the activation step, so
 * it refuses to run unless a person approved and confirmed the segment names.
 */
import { defineNode, template, z } from '../sdk';
import { readCustomerBase, type ApprovalRecord, type CustomerBase, type Segmentation } from './types';

const configSchema = z.object({
  url: template('CRM endpoint that receives the assignments, e.g. {{ vars.CRM_URL }}/segments'),
  segmentations: z.array(z.string().min(1)).optional().describe('Which segmentations to publish; default: all'),
  fields: z.array(z.string().min(1)).default([]).describe('Customer attributes sent with each assignment, e.g. ["email"]'),
  headers: z.record(z.string(), z.string()).default({}).describe('Extra headers, e.g. { "Authorization": "Bearer {{ secrets.CRM_TOKEN }}" }'),
  batchSize: z.coerce.number().int().min(1).max(10_000).default(500),
});

function refuse(message: string): never {
  throw Object.assign(new Error(`crm.publish: refusing to activate — ${message}`), { retryable: false });
}

/**
 * Why a bundle may not be activated, or undefined when it may: every
 * segment name confirmed by a person and an approval on record for each
 * segmentation.
 *
 * @example activationBlocker(base, ['clusters']) // → 'segment names not confirmed by a person: …'
 */
export function activationBlocker(base: CustomerBase, names: string[]): string | undefined {
  const approvals = (base.approvals ?? []).filter((a) => a.decision === 'approved');
  if (approvals.length === 0) return 'the run has no approval decision in its input; put an approval step and segment.confirm before crm.publish';
  const unconfirmed: string[] = [];
  for (const name of names) {
    const segmentation = base.segmentations?.[name];
    if (!segmentation) return `no segmentation named "${name}" in the input`;
    for (const s of segmentation.segments) if (!s.confirmed) unconfirmed.push(`${name}/${s.id} "${s.name}"`);
    if (!approvals.some((a) => a.segmentation === undefined || a.segmentation === name)) return `segmentation "${name}" has no approval on record`;
  }
  if (unconfirmed.length) return `segment names not confirmed by a person: ${unconfirmed.join(', ')}`;
  return undefined;
}

function payloadOf(segmentation: Segmentation, base: CustomerBase, fields: string[], approvals: ApprovalRecord[], runId: string) {
  const customers = new Map(base.customers.map((c) => [c.id, c]));
  const names = new Map(segmentation.segments.map((s) => [s.id, s.name]));
  return {
    runId,
    segmentation: segmentation.name,
    method: segmentation.method,
    asOf: segmentation.asOf,
    segments: segmentation.segments.map(({ id, name, description, size, confirmedBy }) => ({ id, name, description, size, confirmedBy })),
    approvals: approvals.filter((a) => a.segmentation === undefined || a.segmentation === segmentation.name),
    assignments: segmentation.assignments.map((a) => {
      const customer = customers.get(a.customerId) ?? {};
      return {
        customerId: a.customerId,
        segmentId: a.segmentId,
        segment: names.get(a.segmentId),
        explanation: a.explanation,
        ...(a.rule ? { rule: a.rule } : {}),
        values: a.values,
        ...Object.fromEntries(fields.filter((f) => f in customer).map((f) => [f, (customer as Record<string, unknown>)[f]])),
      };
    }),
  };
}

export default defineNode({
  type: 'crm.publish',
  title: 'Publish segments to CRM',
  category: 'Segmentation',
  description: 'POSTs the approved segment assignments, with their explanations and the approval record, to a CRM endpoint. Refuses unless every name is confirmed and an approval is on record.',
  config: configSchema,
  outbound: true,
  async run(ctx) {
    const config = configSchema.parse(ctx.config);
    const base = readCustomerBase(ctx.input, 'crm.publish');
    const names = config.segmentations ?? Object.keys(base.segmentations ?? {});
    if (names.length === 0) refuse('the input holds no segmentation');
    const blocker = activationBlocker(base, names);
    if (blocker) refuse(blocker);
    const approvals = (base.approvals ?? []).filter((a) => a.decision === 'approved');
    const published = [];
    for (const name of names) {
      const payload = payloadOf(base.segmentations![name], base, config.fields, approvals, ctx.run.id);
      let batches = 0;
      for (let start = 0; start < payload.assignments.length; start += config.batchSize) {
        const body = JSON.stringify({ ...payload, batch: batches, assignments: payload.assignments.slice(start, start + config.batchSize) });
        const response = await ctx.http.request({
          method: 'POST',
          url: config.url,
          headers: { 'content-type': 'application/json', 'idempotency-key': `${ctx.idempotencyKey}:${name}:${batches}`, ...config.headers },
          body,
          signal: ctx.signal,
        });
        if (response.status < 200 || response.status >= 300) {
          const retryAfter = Number(response.headers['retry-after']);
          throw Object.assign(new Error(`crm.publish: the CRM answered ${response.status} for batch ${batches} of "${name}"`), {
            retryable: response.status === 429 || response.status >= 500,
            ...(Number.isFinite(retryAfter) ? { retryAfterMs: retryAfter * 1000 } : {}),
          });
        }
        batches++;
      }
      published.push({ segmentation: name, assignments: payload.assignments.length, segments: payload.segments.map((s) => s.name), batches });
    }
    ctx.log.info('segments published', { published: published.map((p) => `${p.segmentation}: ${p.assignments}`), approvedBy: [...new Set(approvals.map((a) => a.by))] });
    return { output: { published, approvals, url: config.url } };
  },
});
