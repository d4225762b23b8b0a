/**
 * When a schedule fires next. Cron uses `cron-parser` in the schedule's time
 * zone (daylight saving included). In embedded mode an interval fires on
 * multiples of `every` since the epoch, so a restart keeps the same ticks and
 * a tick's run id stays the same (BullMQ counts from the scheduler's creation instead).
 */
import { CronExpressionParser } from 'cron-parser';
import type { ScheduleConfig } from './schedule-config';

/**
 * The next `count` fire times strictly after `from`, as epoch ms.
 * @example nextFireTimes({ cron: '0 9 1 1,4,7,10 *', timezone: 'Europe/Berlin', overlap: 'skip' }, 4, new Date('2026-02-10T12:00:00Z'))
 * // → 2026-04-01T07:00Z, 2026-07-01T07:00Z, 2026-10-01T07:00Z, 2027-01-01T08:00Z
 */
export function nextFireTimes(config: Pick<ScheduleConfig, 'cron' | 'every' | 'timezone'>, count: number, from: Date = new Date()): number[] {
  if (config.cron) {
    let expression;
    try {
      expression = CronExpressionParser.parse(config.cron, { currentDate: from, tz: config.timezone });
    } catch (error) {
      throw new Error(`Cron expression "${config.cron}" is invalid: ${(error as Error).message}`, { cause: error });
    }
    return expression.take(count).map((d) => d.getTime());
  }
  if (config.every) {
    const first = (Math.floor(from.getTime() / config.every) + 1) * config.every;
    return Array.from({ length: count }, (_, i) => first + i * config.every!);
  }
  return [];
}

/**
 * The tick before `tickMs`, so a server that did not start the previous
 * scheduled run can still find it by its tick run id.
 * @example previousFireTime({ every: 1000 }, 5000) // 4000
 */
export function previousFireTime(config: Pick<ScheduleConfig, 'cron' | 'every' | 'timezone'>, tickMs: number): number | undefined {
  if (config.cron) return CronExpressionParser.parse(config.cron, { currentDate: new Date(tickMs), tz: config.timezone }).prev().getTime();
  if (config.every) return tickMs - config.every;
  return undefined;
}
