/** Builds the `Segmentation` record every segmentation step outputs. */
import type { Assignment, CustomerBase, CustomerFeatures, Segmentation, SegmentationMethod, SegmentSummary } from './types';

/** Numeric features a segment profile averages. */
export const PROFILE_FEATURES = ['recencyDays', 'frequency', 'monetary', 'avgOrderValue', 'engagement'] as const;

/** A segment as the step defines it, before counting members. */
export interface SegmentDefinition {
  id: string;
  name: string;
  suggestedName?: string;
  confirmed: boolean;
  description: string;
}

/**
 * @example slug("Can't lose them") // → 'cant-lose-them'
 */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') || 'segment';
}

/** Mean of each profile feature over some customers; never-ordered recency counts as the look-back length. */
export function profileOf(features: ReadonlyArray<CustomerFeatures>, lookbackDays: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of PROFILE_FEATURES) {
    let sum = 0;
    for (const f of features) sum += key === 'recencyDays' ? (f.recencyDays ?? lookbackDays) : f[key];
    out[key] = features.length ? sum / features.length : 0;
  }
  return out;
}

/**
 * Counts members and profiles each segment; segments without members are left out.
 *
 * @example buildSegmentation({ name: 'rfm', method: 'rfm', asOf, definitions, assignments, features, lookbackDays: 365, details: {} })
 */
export function buildSegmentation(args: {
  name: string;
  method: SegmentationMethod;
  asOf: string;
  definitions: ReadonlyArray<SegmentDefinition>;
  assignments: Assignment[];
  features: ReadonlyArray<CustomerFeatures>;
  lookbackDays: number;
  details: Record<string, unknown>;
}): Omit<Segmentation, 'prior'> {
  const byCustomer = new Map(args.features.map((f) => [f.customerId, f]));
  const members = new Map<string, CustomerFeatures[]>();
  for (const a of args.assignments) {
    const f = byCustomer.get(a.customerId);
    if (f) (members.get(a.segmentId) ?? members.set(a.segmentId, []).get(a.segmentId)!).push(f);
  }
  const total = args.assignments.length;
  const segments: SegmentSummary[] = args.definitions
    .filter((d) => (members.get(d.id)?.length ?? 0) > 0)
    .map((d) => {
      const list = members.get(d.id)!;
      return { ...d, size: list.length, share: total ? list.length / total : 0, profile: profileOf(list, args.lookbackDays) };
    });
  return { name: args.name, method: args.method, asOf: args.asOf, segments, assignments: args.assignments, details: args.details };
}

/** Adds a segmentation to the bundle under its name. */
export function withSegmentation(base: CustomerBase, segmentation: Segmentation): CustomerBase {
  return { ...base, segmentations: { ...base.segmentations, [segmentation.name]: segmentation } };
}
