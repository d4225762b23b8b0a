/**
 * Log lines for run segments that threw — on infrastructure, not a step: Redis
 * or the database down, a scenario version this worker's store does not hold.
 * BullMQ keeps the reason on the job in Redis and retries it, and the run
 * itself reads `queued` or its last state, so without a line here a worker
 * that can never run anything looks healthy. In an outage every job fails at
 * once: lines are rate-limited, and the next one counts those left out.
 */
import type { EngineLogger } from './engine';

export interface SegmentFailureLogOptions {
  /** At most one line per this many ms (default 10 s). */
  intervalMs?: number;
  /** Clock (tests). */
  now?: () => number;
}

/**
 * @example
 * const logFailure = segmentFailureLogger(logger);
 * try { await processSegment(job, signal); } catch (error) { logFailure(job.runId, error); throw error; }
 * // → {"level":50,"runId":"…","reason":"Scenario hello version 1 not found","suppressed":0,"msg":"run segment failed; the queue will retry it"}
 */
export function segmentFailureLogger(logger: EngineLogger, options: SegmentFailureLogOptions = {}): (runId: string, error: unknown) => void {
  const intervalMs = options.intervalMs ?? 10_000;
  const now = options.now ?? Date.now;
  let lastAt = -Infinity;
  let suppressed = 0;
  return (runId, error) => {
    const at = now();
    if (at - lastAt < intervalMs) {
      suppressed++;
      return;
    }
    lastAt = at;
    const reason = error instanceof Error ? error.message : String(error);
    logger.error({ runId, reason, suppressed }, 'run segment failed; the queue will retry it');
    suppressed = 0;
  };
}
