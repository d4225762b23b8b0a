/**
 * Retention: finished runs are pruned in the background by age and by count,
 * so history never grows without bound. Runs still queued, running or
 * waiting are never pruned.
 */
import type { RetentionPolicy, Store } from './store';

export interface PrunerOptions extends RetentionPolicy {
  /** How often to prune; default one hour. */
  intervalMs?: number;
  onError?: (error: unknown) => void;
  onPruned?: (count: number) => void;
}

/** Reads `SWITCHYARD_RETENTION_DAYS` (default 30), `SWITCHYARD_RETENTION_RUNS` (default 10000) and `SWITCHYARD_PRUNE_INTERVAL_MS` (default 3600000). */
export function retentionFromEnv(env: NodeJS.ProcessEnv = process.env): PrunerOptions {
  const number = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
    return value;
  };
  return {
    maxAgeDays: number('SWITCHYARD_RETENTION_DAYS', 30),
    maxRuns: number('SWITCHYARD_RETENTION_RUNS', 10_000),
    intervalMs: number('SWITCHYARD_PRUNE_INTERVAL_MS', 3_600_000),
  };
}

/**
 * Prunes once soon after start, then every `intervalMs`. The timer is
 * `unref()`ed so it never keeps a process alive. Returns a stop function.
 * @example const stop = startPruner(store, { maxAgeDays: 30, maxRuns: 10_000 });
 */
export function startPruner(store: Store, options: PrunerOptions): () => void {
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const count = await store.prune(options);
      if (count > 0) options.onPruned?.(count);
    } catch (error) {
      options.onError?.(error);
    } finally {
      busy = false;
    }
  };
  const first = setTimeout(tick, 5_000);
  const timer = setInterval(tick, options.intervalMs ?? 3_600_000);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
