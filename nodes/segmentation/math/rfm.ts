/**
 * RFM signals: recency, frequency and monetary value per customer as of a
 * reference date, with short-term spikes damped, then quintile scores and
 * the usual R × F segment grid.
 *
 * Spike damping (why: a one-off promotion must not make a dormant customer
 * look loyal). Orders are counted over the look-back window of L days. The
 * last S days of it form the recent window. With o orders in the older part
 * of the window and r in the recent part, the customer's own long-run rate
 * predicts b = o · S / (L − S) recent orders. Recent orders count at most
 * cap = max(maxRatio · b, floor); when r > cap every recent order is weighed
 * by cap / r, for frequency, spend and category spend alike. So
 * frequency = o + min(r, cap) and monetary = olderSpend + recentSpend · min(1, cap / r).
 *
 * Quintile scores (tie rule): with n customers, a customer than whom w
 * customers are strictly worse scores 1 + ⌊5 · w / n⌋. Equal values
 * therefore always share a score — the score of the lowest position of
 * their tie group, so a tie never lifts anyone into a higher quintile. Recency is better when smaller;
 * a customer who never ordered has the worst recency.
 */
import type { CustomerEvent, CustomerFeatures, Order, PeriodData } from '../types';

const DAY_MS = 86_400_000;

/** Look-back and spike-damping settings. */
export interface FeatureWindow {
  /** Reference date (ISO); orders after it are ignored. */
  asOf: string;
  /** Frequency, spend and category interest are measured over this many days up to asOf. */
  lookbackDays: number;
  spike: { windowDays: number; maxRatio: number; floor: number };
}

export const DEFAULT_SPIKE = { windowDays: 30, maxRatio: 3, floor: 2 } as const;

/** Whole UTC days since the epoch; dates and date-times of one day compare equal. */
export function dayNumber(date: string): number {
  const ms = Date.parse(date);
  if (Number.isNaN(ms)) throw new Error(`Not a date: "${date}"`);
  return Math.floor(ms / DAY_MS);
}

/**
 * How many recent orders count at most: max(maxRatio · the customer's own
 * expected recent orders, floor).
 *
 * @example spikeCap({ older: 1, lookbackDays: 365, windowDays: 30, maxRatio: 3, floor: 2 }) // → 2
 */
export function spikeCap(p: { older: number; lookbackDays: number; windowDays: number; maxRatio: number; floor: number }): number {
  const olderSpan = Math.max(1, p.lookbackDays - p.windowDays);
  return Math.max((p.maxRatio * p.older * p.windowDays) / olderSpan, p.floor);
}

/**
 * The weight each recent order gets: 1, or cap / recent when the recent window spikes.
 *
 * @example spikeFactor({ older: 1, recent: 5, lookbackDays: 365, windowDays: 30, maxRatio: 3, floor: 2 }) // → 0.4
 */
export function spikeFactor(p: { older: number; recent: number; lookbackDays: number; windowDays: number; maxRatio: number; floor: number }): number {
  const cap = spikeCap(p);
  return p.recent > cap ? cap / p.recent : 1;
}

/**
 * Features per customer of a period, in the order of `period.customers`.
 *
 * @example computeFeatures(base, { asOf: '2025-12-31', lookbackDays: 365, spike: DEFAULT_SPIKE })
 */
export function computeFeatures(period: PeriodData, window: FeatureWindow): CustomerFeatures[] {
  const asOfDay = dayNumber(window.asOf);
  const spikeDays = Math.min(window.spike.windowDays, window.lookbackDays);
  const ordersBy = groupBy(period.orders, (o) => o.customerId);
  const eventsBy = groupBy(period.events, (e) => e.customerId);
  return period.customers.map((customer) => {
    let lastDay: number | null = null;
    let older = 0;
    let recent = 0;
    let olderSpend = 0;
    let recentSpend = 0;
    const olderByCategory: Record<string, number> = {};
    const recentByCategory: Record<string, number> = {};
    for (const order of ordersBy.get(customer.id) ?? []) {
      const day = dayNumber(order.date);
      const age = asOfDay - day;
      if (age < 0) continue;
      if (lastDay === null || day > lastDay) lastDay = day;
      if (age >= window.lookbackDays) continue;
      const category = order.category ?? 'other';
      if (age < spikeDays) {
        recent++;
        recentSpend += order.amount;
        recentByCategory[category] = (recentByCategory[category] ?? 0) + order.amount;
      } else {
        older++;
        olderSpend += order.amount;
        olderByCategory[category] = (olderByCategory[category] ?? 0) + order.amount;
      }
    }
    const cap = spikeCap({ older, lookbackDays: window.lookbackDays, windowDays: spikeDays, maxRatio: window.spike.maxRatio, floor: window.spike.floor });
    const countedRecent = Math.min(recent, cap);
    // Scale as (value · counted) / recent rather than by a rounded factor, so equal customers stay exactly equal (ties matter for quintiles).
    const damp = (value: number) => (countedRecent === recent ? value : (value * countedRecent) / recent);
    const monetary = olderSpend + damp(recentSpend);
    const categorySpend: Record<string, number> = { ...olderByCategory };
    for (const [c, v] of Object.entries(recentByCategory)) categorySpend[c] = (categorySpend[c] ?? 0) + damp(v);
    const categoryShare: Record<string, number> = {};
    let topCategory: string | null = null;
    for (const [c, v] of Object.entries(categorySpend).sort(([a], [b]) => a.localeCompare(b))) {
      categoryShare[c] = monetary > 0 ? v / monetary : 0;
      if (topCategory === null || v > categorySpend[topCategory]) topCategory = c;
    }
    const rawFrequency = older + recent;
    const rawMonetary = olderSpend + recentSpend;
    const { id: _id, ...attributes } = customer;
    return {
      customerId: customer.id,
      recencyDays: lastDay === null ? null : asOfDay - lastDay,
      frequency: older + countedRecent,
      monetary,
      avgOrderValue: rawFrequency > 0 ? rawMonetary / rawFrequency : 0,
      rawFrequency,
      rawMonetary,
      categoryShare,
      topCategory,
      engagement: countEngagement(eventsBy.get(customer.id) ?? [], asOfDay, window.lookbackDays),
      attributes,
    };
  });
}

function countEngagement(events: CustomerEvent[], asOfDay: number, lookbackDays: number): number {
  let count = 0;
  for (const e of events) {
    if (e.type === 'campaign') continue; // exposure is the marketer's doing, not the customer's interest
    const age = asOfDay - dayNumber(e.ts);
    if (age >= 0 && age < lookbackDays) count++;
  }
  return count;
}

function groupBy<T>(items: ReadonlyArray<T>, key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Latest order date of a period (ISO date), the natural reference date. */
export function latestOrderDate(orders: ReadonlyArray<Order>): string | undefined {
  let best: number | undefined;
  for (const o of orders) {
    const day = dayNumber(o.date);
    if (best === undefined || day > best) best = day;
  }
  return best === undefined ? undefined : new Date(best * DAY_MS).toISOString().slice(0, 10);
}

/** Where a value stands among all: how many customers are strictly better and strictly worse. */
export interface Standing {
  better: number;
  worse: number;
  n: number;
}

/**
 * Standing of every value; `null` is the worst value. `higherIsBetter` false for recency.
 *
 * @example standings([3, 1, 3], true) // → [{better:0,worse:1,n:3}, {better:2,worse:0,n:3}, {better:0,worse:1,n:3}]
 */
export function standings(values: ReadonlyArray<number | null>, higherIsBetter: boolean): Standing[] {
  const keys = values.map((v) => (v === null ? -Infinity : higherIsBetter ? v : -v)); // larger key = better; null is worst
  const sorted = [...keys].sort((a, b) => a - b);
  const n = keys.length;
  return keys.map((k) => {
    const below = lowerBound(sorted, k);
    const atOrBelow = upperBound(sorted, k);
    return { better: n - atOrBelow, worse: below, n };
  });
}

function lowerBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Quintile score 1–5 from a standing (see the tie rule at the top of the file).
 *
 * @example quintileScore({ better: 0, worse: 9, n: 10 }) // → 5
 */
export function quintileScore(s: Standing): number {
  return s.n === 0 ? 1 : 1 + Math.floor((5 * s.worse) / s.n);
}

/**
 * "top 20%" / "bottom 40%" for a standing, rounded up to a multiple of 5 (1% at the very top).
 *
 * @example standingText({ better: 1, worse: 18, n: 20 }) // → 'top 10%'
 */
export function standingText(s: Standing): string {
  const top = (100 * (s.better + 1)) / s.n;
  if (top <= 50) return `top ${tidyPercent(top)}%`;
  return `bottom ${tidyPercent((100 * (s.worse + 1)) / s.n)}%`;
}

function tidyPercent(p: number): number {
  if (p <= 1) return 1;
  return Math.min(100, Math.ceil(p / 5 - 1e-9) * 5);
}

/** The RFM segment names, in the order reports list them. */
export const RFM_SEGMENTS = [
  'Champions',
  'Loyal',
  'Potential loyalist',
  'New',
  'Promising',
  'Need attention',
  'At risk',
  "Can't lose them",
  'Hibernating',
  'Lost',
] as const;
export type RfmSegmentName = (typeof RFM_SEGMENTS)[number];

/** What each grid cell means, for the report and the segment description. */
export const RFM_DESCRIPTIONS: Record<RfmSegmentName, string> = {
  Champions: 'bought very recently and buy often',
  Loyal: 'buy often and fairly recently',
  'Potential loyalist': 'recent customers with a few orders',
  New: 'bought very recently for the first times',
  Promising: 'recent but infrequent buyers',
  'Need attention': 'average recency and frequency, slipping',
  'At risk': 'bought often, but not for a long time',
  "Can't lose them": 'used to buy most often, gone quiet',
  Hibernating: 'infrequent buyers, last seen long ago',
  Lost: 'lowest recency and frequency',
};

/**
 * The usual RFM grid over the recency and frequency scores:
 * R5 F1 New, R4 F1 Promising, R4–5 F2–3 Potential loyalist, R5 F4–5 Champions,
 * R3–4 F4–5 Loyal, R3 F1–3 Need attention, R1–2 F3–4 At risk, R1–2 F5 Can't lose them,
 * R2 F1–2 Hibernating, R1 F1–2 Lost.
 *
 * @example rfmSegment(5, 5) // → 'Champions'
 */
export function rfmSegment(r: number, f: number): RfmSegmentName {
  if (r >= 4) {
    if (f >= 4) return r === 5 ? 'Champions' : 'Loyal';
    if (f >= 2) return 'Potential loyalist';
    return r === 5 ? 'New' : 'Promising';
  }
  if (r === 3) return f >= 4 ? 'Loyal' : 'Need attention';
  if (f === 5) return "Can't lose them";
  if (f >= 3) return 'At risk';
  return r === 2 ? 'Hibernating' : 'Lost';
}
