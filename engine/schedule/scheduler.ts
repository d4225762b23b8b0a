/**
 * The scheduler seam: which published scenarios fire on a schedule. Two
 * implementations: BullMQ job schedulers (Redis configured; each tick is one
 * job however many servers run) and in-process timers (embedded mode).
 */
import type { PublishedScenario } from '../store/store';
import { scheduleOf } from './schedule-config';
import type { ScheduledScenario } from './schedule-runner';

export interface Scheduler {
  readonly kind: 'bullmq' | 'timers';
  /** Registers a published scenario's schedule, replacing an earlier one; removes it when its trigger is no schedule. */
  set(published: PublishedScenario): Promise<void>;
  remove(scenarioId: string): Promise<void>;
  /** Makes the registered schedules exactly these (start-up restore from the store). */
  sync(published: PublishedScenario[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * The schedule entry of a published scenario, or undefined when it is not scheduled.
 * @example scheduledEntry({ id: 'review', version: 2, scenario }) // { scenarioId: 'review', version: 2, schedule: {...} }
 */
export function scheduledEntry(published: PublishedScenario): ScheduledScenario | undefined {
  const schedule = scheduleOf(published.scenario);
  return schedule && { scenarioId: published.id, version: published.version, schedule };
}
