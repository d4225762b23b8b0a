/** Number and time wording shared by explanations and reports. */

/**
 * Whole numbers with thousands separators, others with one decimal (two below 1).
 *
 * @example formatNumber(1234.5) // → '1,234.5'
 */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const digits = Number.isInteger(n) ? 0 : Math.abs(n) < 1 ? 2 : 1;
  return FORMATS[digits].format(n);
}

// Built once: toLocaleString creates a formatter per call, which dominates explaining thousands of customers.
const FORMATS = [0, 1, 2].map((digits) => new Intl.NumberFormat('en-US', { minimumFractionDigits: 0, maximumFractionDigits: digits }));

/** @example daysAgo(0) // → 'today' */
export function daysAgo(days: number): string {
  if (days === 0) return 'today';
  if (days === 1) return 'yesterday';
  return `${formatNumber(days)} days ago`;
}

/** @example percent(0.1234) // → '12.3%' */
export function percent(share: number): string {
  return `${(share * 100).toFixed(1).replace(/\.0$/, '')}%`;
}

/** @example plural(1, 'order') // → '1 order' */
export function plural(n: number, noun: string): string {
  return `${formatNumber(n)} ${noun}${n === 1 ? '' : 's'}`;
}
