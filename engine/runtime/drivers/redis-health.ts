/**
 * Start-up checks of the Redis a BullMQ deployment runs on. BullMQ needs
 * `maxmemory-policy noeviction` (an evicted job key is a lost run) and
 * Switchyard's durability promise needs persistence (AOF) — without it a
 * Redis restart forgets every queued run.
 */
import type { Redis } from 'ioredis';

export interface RedisWarning {
  setting: string;
  value: string;
  message: string;
}

/**
 * Reads the settings that matter and returns a warning for each one that is off.
 *
 * @example for (const w of await checkRedisSettings(redis)) logger.warn(w, w.message);
 */
export async function checkRedisSettings(redis: Redis): Promise<RedisWarning[]> {
  const warnings: RedisWarning[] = [];
  let policy = '';
  try {
    policy = ((await redis.config('GET', 'maxmemory-policy')) as string[])[1] ?? '';
  } catch {
    // Managed Redis services often refuse CONFIG; INFO still tells the policy.
  }
  const info = await redis.info();
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? '';
  policy ||= field('maxmemory_policy');
  if (policy && policy !== 'noeviction') {
    warnings.push({ setting: 'maxmemory-policy', value: policy, message: `Redis maxmemory-policy is "${policy}": under memory pressure Redis may evict queued runs. Set it to "noeviction".` });
  }
  const aof = field('aof_enabled');
  const rdbSaves = field('rdb_changes_since_last_save') !== '' && info.includes('rdb_last_bgsave_status');
  if (aof !== '1') {
    warnings.push({
      setting: 'appendonly',
      value: aof === '' ? 'unknown' : 'no',
      message: `Redis persistence (AOF) is off${rdbSaves ? ' (RDB snapshots alone lose the writes since the last save)' : ''}: a Redis restart loses queued and running runs. Set appendonly yes (appendfsync everysec).`,
    });
  }
  return warnings;
}
