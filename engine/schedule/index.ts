/** Schedules: cron with a time zone or an interval, on BullMQ job schedulers or in-process timers. */
import type pino from 'pino';
import type { ServiceEngine } from '../server/engine-port';
import { BullmqScheduler } from './bullmq-scheduler';
import { ScheduleRunner } from './schedule-runner';
import type { Scheduler } from './scheduler';
import { TimerScheduler } from './timer-scheduler';

export { nextFireTimes, previousFireTime } from './next-fire-times';
export { scheduleOf, type ScheduleConfig, type OverlapPolicy } from './schedule-config';
export { ScheduleRunner, tickRunId, type ScheduledScenario } from './schedule-runner';
export { scheduledEntry, type Scheduler } from './scheduler';
export { BullmqScheduler, SCHEDULE_QUEUE } from './bullmq-scheduler';
export { TimerScheduler } from './timer-scheduler';

export interface CreateSchedulerOptions {
  engine: Pick<ServiceEngine, 'startRun' | 'getRun' | 'events'>;
  /** BullMQ job schedulers when set; in-process timers otherwise. */
  redisUrl?: string;
  queuePrefix?: string;
  logger?: pino.Logger;
}

/**
 * @example
 * const scheduler = createScheduler({ engine, redisUrl: process.env.REDIS_URL });
 * await scheduler.sync(await store.listPublished());
 */
export function createScheduler(options: CreateSchedulerOptions): Scheduler {
  const runner = new ScheduleRunner(options.engine, options.logger);
  return options.redisUrl
    ? new BullmqScheduler(runner, { redisUrl: options.redisUrl, prefix: options.queuePrefix, logger: options.logger })
    : new TimerScheduler(runner, options.logger);
}
