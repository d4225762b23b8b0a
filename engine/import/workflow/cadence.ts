/** A workflow record's `typicalCadence` as a schedule trigger config. */

/** Runs at 09:00 so a scheduled review lands at the start of a working day. */
const CRON: Record<string, string> = {
  hourly: '0 * * * *',
  daily: '0 9 * * *',
  weekdays: '0 9 * * 1-5',
  weekly: '0 9 * * 1',
  monthly: '0 9 1 * *',
  bimonthly: '0 9 1 */2 *',
  quarterly: '0 9 1 1,4,7,10 *',
  semiannual: '0 9 1 1,7 *',
  semiannually: '0 9 1 1,7 *',
  'half-yearly': '0 9 1 1,7 *',
  biannual: '0 9 1 1,7 *',
  yearly: '0 9 1 1 *',
  annual: '0 9 1 1 *',
  annually: '0 9 1 1 *',
};

/** Cadences cron cannot say (every other week) as an interval. */
const EVERY: Record<string, number> = {
  biweekly: 14 * 86_400_000,
  fortnightly: 14 * 86_400_000,
};

/**
 * The schedule for a cadence word, or undefined when it names none.
 *
 * @example cadenceSchedule('quarterly') // → { cron: '0 9 1 1,4,7,10 *' }
 * @example cadenceSchedule('Bi-weekly') // → { every: 1209600000 }
 */
export function cadenceSchedule(cadence: string | undefined): { cron: string } | { every: number } | undefined {
  const key = (cadence ?? '').trim().toLowerCase().replace(/[\s_]+/g, '-');
  const plain = key.replace(/-/g, '');
  if (CRON[key]) return { cron: CRON[key] };
  if (CRON[plain]) return { cron: CRON[plain] };
  if (EVERY[plain]) return { every: EVERY[plain] };
  if (/^every-day$|^per-day$/.test(key)) return { cron: CRON.daily };
  return undefined;
}
