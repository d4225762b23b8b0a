/**
 * The bundle the segmentation node types hand each other: a customer base
 * (customers, orders, events, optionally the prior period's) that each step
 * enriches — data quality reports, features, segmentations, comparisons —
 * so the report and the CRM publish step see the whole story of the run.
 */

/** One customer profile. Extra columns (country, gender, …) stay on the record. */
export interface Customer {
  id: string;
  email?: string;
  phone?: string;
  /** Purposes the customer consented to, e.g. `['marketing', 'analytics']`. */
  consent?: string[];
  [attribute: string]: unknown;
}

export interface Order {
  orderId: string;
  customerId: string;
  /** ISO date or date-time. */
  date: string;
  amount: number;
  category?: string;
  [attribute: string]: unknown;
}

/** A behavioural or campaign event (page view, email click, campaign exposure …). */
export interface CustomerEvent {
  customerId: string;
  type: string;
  ts: string;
  [attribute: string]: unknown;
}

/** Customers, orders and events of one period. */
export interface PeriodData {
  customers: Customer[];
  orders: Order[];
  events: CustomerEvent[];
  /** Reference date the period is seen from (ISO date); segment nodes fall back to it. */
  asOf?: string;
}

/** Per-customer signals every segmentation works on. */
export interface CustomerFeatures {
  customerId: string;
  /** Days since the last order, as of the reference date; null when the customer never ordered. */
  recencyDays: number | null;
  /** Orders in the look-back window after spike damping (may be fractional). */
  frequency: number;
  /** Spend in the look-back window after spike damping. */
  monetary: number;
  avgOrderValue: number;
  /** Orders in the window before damping, for the explanation. */
  rawFrequency: number;
  rawMonetary: number;
  /** Share of spend per category in the window. */
  categoryShare: Record<string, number>;
  topCategory: string | null;
  /** Behavioural events in the window (page views, clicks …). */
  engagement: number;
  /** The customer's own attributes (country, gender, …) so rules can read them. */
  attributes: Record<string, unknown>;
}

/** One segment of a segmentation, as reviewers see it. */
export interface SegmentSummary {
  id: string;
  /** The name in use: the confirmed name, or the suggestion until someone confirms. */
  name: string;
  suggestedName?: string;
  /** True once a person has confirmed the name (rules and RFM grid names are authored, so confirmed). */
  confirmed: boolean;
  /** Who confirmed the name (the approvers), once confirmed by segment.confirm. */
  confirmedBy?: string;
  size: number;
  share: number;
  /** What sets the segment apart, in plain language. */
  description: string;
  /** Mean of each feature over the members. */
  profile: Record<string, number>;
}

/** Why one customer is in one segment. */
export interface Assignment {
  customerId: string;
  segmentId: string;
  /** Plain-language reason, e.g. "last order 4 days ago — top 20%; …". */
  explanation: string;
  /** The values that placed the customer (rule inputs, scores, feature values). */
  values: Record<string, unknown>;
  /** For rule-based segmentations: the rule that matched. */
  rule?: string;
}

export type SegmentationMethod = 'rfm' | 'rules' | 'kmeans';

export interface Segmentation {
  /** Key under `segmentations` (the node's `name` config). */
  name: string;
  method: SegmentationMethod;
  asOf: string;
  segments: SegmentSummary[];
  assignments: Assignment[];
  /** Method details: k and silhouette for k-means, the rules, the window. */
  details: Record<string, unknown>;
  /** The same segmentation of the prior period, when the bundle carries one. */
  prior?: Omit<Segmentation, 'prior'>;
}

/** Approval decisions that travel with the bundle to activation. */
export interface ApprovalRecord {
  decision: 'approved' | 'rejected';
  by: string;
  comment?: string;
  at?: string;
  /** What was approved: the segmentation and the segment names. */
  segmentation?: string;
  segments?: string[];
}

/** The bundle: a period's data plus everything the steps learned about it. */
export interface CustomerBase extends PeriodData {
  /** The same customer base one period earlier (last quarter). */
  prior?: PeriodData & { features?: CustomerFeatures[] };
  features?: CustomerFeatures[];
  quality?: Record<string, unknown>;
  segmentations?: Record<string, Segmentation>;
  comparisons?: Record<string, unknown>;
  approvals?: ApprovalRecord[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the customer base from a step's input. After a `merge` node the
 * input is `{ inputs: { a: base, b: base } }`: the branches are folded into
 * one base whose segmentations and comparisons are the union, so rules and
 * clustering can run side by side and meet again.
 *
 * @example const base = readCustomerBase(ctx.input, 'segment.rfm');
 */
export function readCustomerBase(input: unknown, nodeType: string): CustomerBase {
  if (isObject(input) && isObject(input.inputs) && !Array.isArray(input.customers)) {
    const branches = Object.values(input.inputs).filter(isObject);
    if (branches.length === 0) throw new Error(`${nodeType}: the merged input holds no branch with customer data`);
    const bases = branches.map((b) => readCustomerBase(b, nodeType));
    return bases.reduce((acc, b) => ({
      ...acc,
      segmentations: { ...acc.segmentations, ...b.segmentations },
      comparisons: { ...acc.comparisons, ...b.comparisons },
      quality: { ...acc.quality, ...b.quality },
      approvals: [...(acc.approvals ?? []), ...(b.approvals ?? [])],
    }));
  }
  if (!isObject(input) || !Array.isArray(input.customers)) {
    throw new Error(`${nodeType}: expected a customer base ({ customers, orders, events }) as input — put a data.load step before it`);
  }
  const base = input as unknown as CustomerBase;
  return { ...base, orders: base.orders ?? [], events: base.events ?? [] };
}
