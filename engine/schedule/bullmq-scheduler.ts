/**
 * Schedules on BullMQ job schedulers: one scheduler per scenario on the
 * `switchyard-schedules` queue. Redis holds the schedule, so it survives
 * restarts, and BullMQ produces exactly one job per tick however many
 * servers run; whichever server's worker takes the job starts the run.
 */
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type pino from 'pino';
import type { PublishedScenario } from '../store/store';
import type { ScheduleRunner, ScheduledScenario } from './schedule-runner';
import { scheduledEntry, type Scheduler } from './scheduler';

export const SCHEDULE_QUEUE = 'switchyard-schedules';

export interface BullmqSchedulerOptions {
  redisUrl: string;
  /** The same key prefix as the run queue; default `{switchyard}`. */
  prefix?: string;
  logger?: pino.Logger;
}

const schedulerId = (scenarioId: string) => `scenario:${scenarioId}`;

/** A scheduler's job id ends with its tick's epoch ms (`repeat:<scheduler>:<ms>`). */
function tickOf(job: Job): number {
  const fromId = Number(String(job.id ?? '').split(':').pop());
  return Number.isFinite(fromId) && fromId > 0 ? fromId : job.timestamp + (job.delay ?? 0);
}

export class BullmqScheduler implements Scheduler {
  readonly kind = 'bullmq' as const;
  readonly queue: Queue;
  private readonly worker: Worker;
  private readonly connections: Redis[] = [];

  constructor(
    private readonly runner: ScheduleRunner,
    private readonly options: BullmqSchedulerOptions,
  ) {
    const connect = () => {
      const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
      this.connections.push(redis);
      return redis;
    };
    const prefix = options.prefix ?? '{switchyard}';
    this.queue = new Queue(SCHEDULE_QUEUE, {
      connection: connect(),
      prefix,
      defaultJobOptions: { removeOnComplete: { count: 100 }, removeOnFail: { count: 1000 } },
    });
    this.worker = new Worker(
      SCHEDULE_QUEUE,
      async (job: Job<ScheduledScenario>) => {
        const outcome = await this.runner.fire(job.data, tickOf(job));
        return outcome;
      },
      { connection: connect(), prefix, concurrency: 1 },
    );
    this.worker.on('failed', (job, error) => options.logger?.error({ err: error, jobId: job?.id }, 'scheduled run did not start'));
    this.worker.on('error', (error) => options.logger?.error({ err: error }, 'schedule worker error'));
  }

  async set(published: PublishedScenario): Promise<void> {
    const entry = scheduledEntry(published);
    if (!entry) return this.remove(published.id);
    const { cron, every, timezone } = entry.schedule;
    await this.queue.upsertJobScheduler(schedulerId(entry.scenarioId), cron ? { pattern: cron, tz: timezone } : { every: every! }, {
      name: 'tick',
      data: entry,
    });
  }

  async remove(scenarioId: string): Promise<void> {
    await this.queue.removeJobScheduler(schedulerId(scenarioId));
    this.runner.forget(scenarioId);
  }

  async sync(published: PublishedScenario[]): Promise<void> {
    const wanted = new Set<string>();
    for (const p of published) {
      try {
        if (scheduledEntry(p)) wanted.add(schedulerId(p.id));
        await this.set(p);
      } catch (error) {
        this.options.logger?.error({ err: error, scenarioId: p.id }, 'schedule not registered');
      }
    }
    for (const existing of await this.queue.getJobSchedulers(0, -1)) {
      if (existing.key && !wanted.has(existing.key)) await this.queue.removeJobScheduler(existing.key);
    }
  }

  /** Stops taking ticks (the schedules stay in Redis for the next start) and closes the runner it owns. */
  async close(): Promise<void> {
    await this.worker.close();
    this.runner.close();
    await this.queue.close();
    await Promise.all(this.connections.map((c) => c.quit().catch(() => c.disconnect())));
  }
}
