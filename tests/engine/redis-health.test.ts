/** The start-up warnings about a Redis that would lose runs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisConnection } from '../../engine/runtime/drivers/bullmq-queue';
import { checkRedisSettings } from '../../engine/runtime/drivers/redis-health';
import { startRedis, type TestRedis } from '../support/redis-server';

describe('Redis settings check', () => {
  let risky: TestRedis;
  let safe: TestRedis;
  beforeAll(async () => {
    risky = await startRedis({ extraArgs: ['--maxmemory-policy', 'allkeys-lru'] });
    safe = await startRedis({ appendonly: true });
  });
  afterAll(async () => {
    await risky.close();
    await safe.close();
  });

  it('warns when eviction is on and persistence is off', async () => {
    const redis = redisConnection(risky.url);
    const warnings = await checkRedisSettings(redis);
    redis.disconnect();
    expect(warnings.map((w) => w.setting).sort()).toEqual(['appendonly', 'maxmemory-policy']);
    expect(warnings.find((w) => w.setting === 'maxmemory-policy')!.message).toMatch(/allkeys-lru.*noeviction/);
  });

  it('is quiet for noeviction with AOF', async () => {
    const redis = redisConnection(safe.url);
    expect(await checkRedisSettings(redis)).toEqual([]);
    redis.disconnect();
  });
});
