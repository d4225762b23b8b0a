/**
 * A signal that aborts when its parent does or when a time limit passes —
 * what `AbortSignal.any([parent, AbortSignal.timeout(ms)])` gives, at a
 * fraction of the cost: those keep weak references, a registry entry and a
 * timer per call, a measurable share of an HTTP step (docs/performance.md).
 * The guarded client uses one per request, the executor one per step.
 */

export interface Deadline {
  readonly signal: AbortSignal;
  /** Clears the timer and lets go of the parent; call when the work is done. */
  done(): void;
}

/**
 * @param reason what the signal aborts with when the time is up
 * @param options.unref the timer alone does not keep the process alive (as `AbortSignal.timeout`)
 * @example const deadline = withDeadline(ctx.signal, 5_000, () => new Error('too slow')); try { … } finally { deadline.done(); }
 */
export function withDeadline(parent: AbortSignal | undefined, ms: number, reason: () => unknown, options: { unref?: boolean } = {}): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(reason()), ms);
  if (options.unref) timer.unref();
  // From a factory, not an arrow assigned to a name: see `logAt` in engine/runtime/executor.ts.
  const forward = abortWithParent(controller, parent);
  if (parent?.aborted) forward();
  else parent?.addEventListener('abort', forward, { once: true });
  return {
    signal: controller.signal,
    done() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', forward);
    },
  };
}

function abortWithParent(controller: AbortController, parent: AbortSignal | undefined) {
  return () => controller.abort(parent?.reason);
}
