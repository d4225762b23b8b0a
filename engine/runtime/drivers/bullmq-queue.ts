/**
 * The BullMQ queue driver: one job per run on the `switchyard-runs` queue,
 * job id = run id. A segment that must wait (a delay, a retry backoff) moves
 * its own job to the delayed set and frees the worker slot; a worker that
 * dies mid-segment loses its lock and BullMQ's stalled-job check hands the
 * job to another worker, which resumes from the run's durable state.
 */
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { RunStart } from '../dataflow';
import type { ConsumeOptions, QueueDriver, RunJob, SegmentProcessor } from '../queue-driver';

export const RUN_QUEUE = 'switchyard-runs';

export interface BullmqQueueOptions {
  redisUrl: string;
  /** Key prefix; hash-tagged by default so every key of the queue lands in one Redis Cluster slot. */
  prefix?: string;
  /** How long a worker's lock on a job lasts without renewal; also how soon a dead worker's job is taken over. */
  lockDurationMs?: number;
}

/**
 * ioredis options BullMQ asks for on every connection a worker uses.
 * `autoPipeline`: commands issued in one tick go out in one socket write — for connections many
 * runs share at once (run state), never for BullMQ's own, whose blocking commands must not wait
 * behind others.
 */
export function redisConnection(url: string, options: { autoPipeline?: boolean } = {}): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, enableAutoPipelining: options.autoPipeline ?? false });
  // ioredis reconnects by itself; an unhandled 'error' event would only add noise (or crash) meanwhile.
  let last = 0;
  redis.on('error', (error) => {
    if (Date.now() - last > 10_000) console.error(`switchyard: redis ${error.message} (reconnecting)`);
    last = Date.now();
  });
  return redis;
}

export class BullmqQueueDriver implements QueueDriver {
  readonly kind = 'bullmq' as const;
  readonly queue: Queue;
  private worker?: Worker;
  private workerConnection?: Redis;
  private readonly connection: Redis;

  constructor(private readonly options: BullmqQueueOptions) {
    this.connection = redisConnection(options.redisUrl);
    this.queue = new Queue(RUN_QUEUE, {
      connection: this.connection,
      prefix: options.prefix ?? '{switchyard}',
      defaultJobOptions: {
        // Completed jobs leave at once: the run's history lives in the store, and a completed
        // job left behind would block re-adding a job with the same run id.
        removeOnComplete: true,
        removeOnFail: { count: 5000, age: 7 * 24 * 3600 },
        // Attempts here cover infrastructure failures (Redis or the store down), not step failures.
        attempts: 20,
        backoff: { type: 'exponential', delay: 1000 },
      },
    });
  }

  async enqueue(job: RunJob, options: { delayMs?: number; wake?: boolean } = {}): Promise<void> {
    await this.queue.add('run', job, { jobId: job.runId, delay: options.delayMs && options.delayMs > 0 ? options.delayMs : undefined });
    if (options.wake) {
      // A job with this id may already sleep in the delayed set (a run waiting on a delay): wake it.
      const existing = await this.queue.getJob(job.runId);
      if (existing && (await existing.getState()) === 'delayed') await existing.promote().catch(() => undefined);
    }
  }

  async startOf(runId: string): Promise<RunStart | undefined> {
    return ((await this.queue.getJob(runId)) as Job<RunJob> | undefined)?.data?.start;
  }

  async consume(processor: SegmentProcessor, options: ConsumeOptions): Promise<void> {
    const lockDuration = this.options.lockDurationMs ?? 30_000;
    this.worker = new Worker(
      RUN_QUEUE,
      async (job: Job<RunJob>, token?: string, signal?: AbortSignal) => {
        const outcome = await processor(job.data, signal ?? new AbortController().signal);
        if (outcome.continueAt !== undefined) {
          // Re-delay this very job: atomic in Redis, so a crash here cannot lose the continuation.
          await job.moveToDelayed(Math.max(outcome.continueAt, Date.now() + 1), token);
          throw new DelayedError();
        }
      },
      {
        connection: (this.workerConnection = redisConnection(this.options.redisUrl)),
        prefix: this.options.prefix ?? '{switchyard}',
        concurrency: options.concurrency,
        lockDuration,
        stalledInterval: Math.max(1000, Math.floor(lockDuration / 2)),
        // A stall means a worker died; the run resumes safely, so allow many.
        maxStalledCount: 50,
        removeOnComplete: { count: 0 },
      },
    );
    this.worker.on('completed', (job) => {
      void options.afterComplete?.((job.data as RunJob).runId).catch(() => undefined);
    });
    this.worker.on('error', (error) => console.error('switchyard: worker error', error.message));
    await this.worker.waitUntilReady();
  }

  async depth(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'delayed', 'prioritized');
    return (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0);
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    this.workerConnection?.disconnect();
    this.connection.disconnect();
  }
}
