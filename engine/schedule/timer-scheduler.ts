/**
 * Embedded-mode schedules: one timer per scheduled scenario, armed for its
 * next tick. There is one process, so each tick fires once; ticks missed
 * while the process was down are not replayed (as with cron).
 */
import type pino from 'pino';
import type { PublishedScenario } from '../store/store';
import { nextFireTimes } from './next-fire-times';
import type { ScheduleRunner, ScheduledScenario } from './schedule-runner';
import { scheduledEntry, type Scheduler } from './scheduler';

// setTimeout's ceiling; a quarterly tick is further away, so long waits re-arm in steps.
const MAX_TIMER_MS = 2 ** 31 - 1;

export class TimerScheduler implements Scheduler {
  readonly kind = 'timers' as const;
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly runner: ScheduleRunner,
    private readonly logger?: pino.Logger,
  ) {}

  async set(published: PublishedScenario): Promise<void> {
    await this.remove(published.id);
    const entry = scheduledEntry(published);
    if (entry) this.arm(entry, Date.now());
  }

  async remove(scenarioId: string): Promise<void> {
    clearTimeout(this.timers.get(scenarioId));
    this.timers.delete(scenarioId);
    this.runner.forget(scenarioId);
  }

  async sync(published: PublishedScenario[]): Promise<void> {
    for (const id of [...this.timers.keys()]) await this.remove(id);
    for (const p of published) {
      try {
        await this.set(p);
      } catch (error) {
        this.logger?.error({ err: error, scenarioId: p.id }, 'schedule not registered');
      }
    }
  }

  /** Stops every timer and the runner it owns. */
  async close(): Promise<void> {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.runner.close();
  }

  private arm(entry: ScheduledScenario, after: number): void {
    const [tick] = nextFireTimes(entry.schedule, 1, new Date(after));
    if (tick === undefined) return;
    const wait = () => {
      const remaining = tick - Date.now();
      const timer = setTimeout(remaining > MAX_TIMER_MS ? wait : fire, Math.min(Math.max(remaining, 0), MAX_TIMER_MS));
      timer.unref();
      this.timers.set(entry.scenarioId, timer);
    };
    const fire = () => {
      // Arm the next tick first, counted from this tick, so a slow start cannot skip or repeat one.
      this.arm(entry, tick);
      this.runner.fire(entry, tick).catch((error) => {
        this.logger?.error({ err: error, scenarioId: entry.scenarioId }, 'scheduled run did not start');
      });
    };
    wait();
  }
}
