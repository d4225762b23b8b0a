/**
 * `consent.filter`: keeps only the customers who consented to the stated
 * purpose, and drops the orders and events of everyone else, so no later
 * step — segmentation, report or activation — sees them.
 */
import { defineNode, z } from '../sdk';
import { readCustomerBase, type PeriodData } from './types';

const configSchema = z.object({
  purpose: z.string().min(1, 'Name the purpose, e.g. marketing').describe('Consent purpose the segments will be used for, e.g. marketing'),
});

/** Why a profile was dropped. */
export type ConsentDropReason = 'no consent recorded' | 'consent for other purposes only';

export interface ConsentReport {
  purpose: string;
  kept: number;
  dropped: number;
  reasons: Record<ConsentDropReason, number>;
}

/**
 * @example filterByConsent(period, 'marketing').report // → { purpose: 'marketing', kept: 180, dropped: 20, reasons: {...} }
 */
export function filterByConsent(period: PeriodData, purpose: string): { data: PeriodData; report: ConsentReport } {
  const wanted = purpose.trim().toLowerCase();
  const reasons: Record<ConsentDropReason, number> = { 'no consent recorded': 0, 'consent for other purposes only': 0 };
  const kept = period.customers.filter((c) => {
    const list = Array.isArray(c.consent) ? c.consent.map((p) => String(p).trim().toLowerCase()) : [];
    if (list.includes(wanted)) return true;
    reasons[list.length ? 'consent for other purposes only' : 'no consent recorded']++;
    return false;
  });
  const ids = new Set(kept.map((c) => c.id));
  return {
    data: { ...period, customers: kept, orders: period.orders.filter((o) => ids.has(o.customerId)), events: period.events.filter((e) => ids.has(e.customerId)) },
    report: { purpose, kept: kept.length, dropped: period.customers.length - kept.length, reasons },
  };
}

export default defineNode({
  type: 'consent.filter',
  title: 'Filter by consent',
  category: 'Segmentation',
  description: 'Drops customers without consent for the stated purpose (and their orders and events), counting what was dropped and why.',
  config: configSchema,
  pure: true,
  run(ctx) {
    const { purpose } = configSchema.parse(ctx.config);
    const base = readCustomerBase(ctx.input, 'consent.filter');
    const current = filterByConsent(base, purpose);
    const prior = base.prior ? filterByConsent(base.prior, purpose) : undefined;
    ctx.log.info('consent filtered', { purpose, kept: current.report.kept, dropped: current.report.dropped });
    return {
      output: {
        ...base,
        ...current.data,
        ...(prior ? { prior: { ...base.prior, ...prior.data } } : {}),
        quality: { ...base.quality, consent: { ...current.report, ...(prior ? { prior: prior.report } : {}) } },
      },
    };
  },
});
