/**
 * Retry timing: exponential (or fixed) backoff with jitter, capped, and
 * never sooner than an outside service asked for with `Retry-After`.
 */
import type { RetryPolicy } from '../scenario/schema';

/** The cap when a policy sets none: five minutes. */
export const DEFAULT_MAX_DELAY_MS = 300_000;

/**
 * Milliseconds to wait before the next attempt, or undefined when the
 * attempts are used up. `attempt` is the attempt that just failed (1-based);
 * `policy.attempts` counts every try, the first included.
 *
 * Jitter is "equal jitter": half the delay fixed, half random. Delays still
 * grow attempt over attempt (each lies in [d/2, d] and d doubles), yet
 * workers retrying after a shared outage do not stampede together.
 *
 * @example retryDelay({ attempts: 3, delayMs: 500, backoff: 'exponential' }, 1, undefined, () => 1) // → 500
 * @example retryDelay({ attempts: 3, delayMs: 500, backoff: 'exponential' }, 2, undefined, () => 1) // → 1000
 * @example retryDelay({ attempts: 3, delayMs: 500, backoff: 'exponential' }, 3) // → undefined
 */
export function retryDelay(policy: RetryPolicy | undefined, attempt: number, retryAfterMs: number | undefined, random: () => number = Math.random): number | undefined {
  if (!policy || attempt >= policy.attempts) return undefined;
  const base = policy.delayMs ?? 1000;
  const raw = policy.backoff === 'fixed' ? base : base * 2 ** (attempt - 1);
  const capped = Math.min(raw, policy.maxDelayMs ?? DEFAULT_MAX_DELAY_MS);
  const jittered = policy.jitter === false ? capped : capped / 2 + (capped / 2) * random();
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}
