/** Time zone names as the scheduler reads them. Pure. */

/**
 * Whether the runtime knows `name` as a time zone. Asks `Intl`, the same
 * source the cron parser (through Luxon) resolves zones with, so a zone that
 * passes here is one a schedule can fire in.
 *
 * @example isTimeZone('Europe/Berlin') // true
 * @example isTimeZone('Mars/Olympus') // false
 */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
