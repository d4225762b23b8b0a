/**
 * Live run events across processes (BullMQ mode) over Redis pub/sub. Events
 * are batched per tick into one PUBLISH, so a busy worker sends a handful of
 * commands per second instead of two per step. Pub/sub is fire-and-forget:
 * history in the store is the record; these are for watching.
 */
import type { Redis } from 'ioredis';
import type { RunEvent, RunEventBus } from '../types';
import { redisConnection } from './bullmq-queue';

export class RedisEventBus implements RunEventBus {
  private readonly publisher: Redis;
  private subscriber?: Redis;
  private readonly listeners = new Set<(event: RunEvent) => void>();
  private batch: RunEvent[] = [];
  private flushTimer?: NodeJS.Timeout;
  private readonly channel: string;

  constructor(private readonly redisUrl: string, prefix = '{switchyard}') {
    this.publisher = redisConnection(redisUrl);
    this.channel = `${prefix}:events`;
  }

  publish(event: RunEvent): void {
    this.batch.push(event);
    this.flushTimer ??= setTimeout(() => this.flush(), 5);
  }

  private flush(): void {
    this.flushTimer = undefined;
    const events = this.batch;
    this.batch = [];
    if (events.length) void this.publisher.publish(this.channel, JSON.stringify(events)).catch(() => undefined);
  }

  subscribe(listener: (event: RunEvent) => void): () => void {
    if (!this.subscriber) {
      this.subscriber = redisConnection(this.redisUrl);
      void this.subscriber.subscribe(this.channel);
      this.subscriber.on('message', (_channel, message) => {
        for (const event of JSON.parse(message) as RunEvent[]) for (const l of this.listeners) l(event);
      });
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flush();
    }
    this.listeners.clear();
    this.subscriber?.disconnect();
    await this.publisher.quit().catch(() => undefined);
  }
}
