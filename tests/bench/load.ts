/**
 * Load for the User Segmentation benchmark: signed Segment events fired at
 * a webhook, and run completion observed the same way for every system —
 * when the delivery stand-in (SMTP sink or push provider) receives the
 * message for that user. That is the run's last effect, so the plain
 * function and Switchyard are timed from the same two points.
 */
import type { RunningServices } from '../../examples/services';
import { signSegmentBody, type SegmentEvent } from '../../examples/services';
import { segmentationEvent } from '../../examples/services/extra/segment-traffic';

/**
 * Watches the delivery stand-ins and resolves a waiter per userId. The
 * stand-ins' own request logs are switched off (a soak of 100,000 runs
 * would otherwise keep every request in this process's memory).
 */
export class DeliveryWatch {
  private readonly waiters = new Map<string, () => void>();
  private readonly early = new Set<string>();
  delivered = 0;

  constructor(services: RunningServices) {
    const notify = (userId: string) => {
      this.delivered++;
      const waiter = this.waiters.get(userId);
      if (waiter) {
        this.waiters.delete(userId);
        waiter();
      } else this.early.add(userId);
    };
    for (const [name, recorder] of Object.entries(services.recorders)) {
      recorder.records.push = (...items) => {
        for (const r of items) {
          if (r.fault) continue;
          if (name === 'push') notify(String((r.body as { to: string }).to));
          if (name === 'smtp') for (const to of (r.body as { to: string[] }).to) notify(to.replace(/@.*$/, ''));
        }
        return 0;
      };
    }
  }

  /** Resolves when the user's message is delivered (or already was), false after `timeoutMs`. */
  wait(userId: string, timeoutMs: number): Promise<boolean> {
    if (this.early.delete(userId)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(userId);
        resolve(false);
      }, timeoutMs);
      this.waiters.set(userId, () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  pending(): number {
    return this.waiters.size;
  }
}

/**
 * Event `i` of a load: page / "Order Completed" / identify by i mod 3, email
 * or push preference by ⌊i / 3⌋ mod 2, and a userId ending in i's last digit
 * (the ML stand-in's confidence follows it, so half go personalized).
 *
 * @example loadEvent('emb', 7).userId // → 'emb-7'
 */
export function loadEvent(tag: string, i: number): SegmentEvent {
  return segmentationEvent(`${tag}-${i}`, i);
}

/**
 * POSTs one signed event; resolves with the answer's run id. Throws on any
 * answer but 202.
 *
 * @example const runId = await fire(url, loadEvent('q', 1));
 */
export async function fire(hookUrl: string, event: SegmentEvent, secret: string): Promise<string> {
  const raw = JSON.stringify(event);
  const res = await fetch(hookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'Segment.io/1.0', 'x-signature': signSegmentBody(raw, secret) },
    body: raw,
  });
  const text = await res.text();
  if (res.status !== 202) throw new Error(`webhook answered ${res.status} for ${event.userId}: ${text}`);
  return (JSON.parse(text) as { runId: string }).runId;
}

export interface LoadResult {
  /** Runs completed inside the measured window. */
  completed: number;
  /** Runs that did not complete within the timeout. */
  lost: number;
  seconds: number;
  /** Webhook-to-delivery latency of each run started in the window, ms. */
  latencies: number[];
  lastRunId?: string;
}

export interface LoadOptions {
  hookUrl: string;
  secret: string;
  watch: DeliveryWatch;
  tag: string;
  /** Called when the warm-up ends and measuring begins (start probes here). */
  onMeasureStart?: () => void | Promise<void>;
  warmupSeconds: number;
  seconds: number;
  timeoutMs?: number;
}

/**
 * Saturation: `inFlight` runs kept going at all times (a new event as soon
 * as one run completes) for warm-up + `seconds`; counts runs completed in
 * the measured window — the system's maximum throughput.
 *
 * @example const r = await closedLoop({ …, inFlight: 32 }); r.completed / r.seconds
 */
export async function closedLoop(options: LoadOptions & { inFlight: number }): Promise<LoadResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  let next = 0;
  let completed = 0;
  let lost = 0;
  let measuring = false;
  let lastRunId: string | undefined;
  const latencies: number[] = [];
  const start = performance.now();
  const warmEnd = start + options.warmupSeconds * 1000;
  const end = warmEnd + options.seconds * 1000;
  let measuredFrom = warmEnd;
  const client = async () => {
    while (performance.now() < end) {
      const event = loadEvent(options.tag, next++);
      const t0 = performance.now();
      const done = options.watch.wait(event.userId!, timeoutMs);
      lastRunId = await fire(options.hookUrl, event, options.secret);
      const ok = await done;
      const t1 = performance.now();
      if (!ok) lost++;
      else if (measuring && t1 <= end) {
        completed++;
        if (t0 >= measuredFrom) latencies.push(t1 - t0);
      }
    }
  };
  const clients = Array.from({ length: options.inFlight }, client);
  await new Promise((r) => setTimeout(r, options.warmupSeconds * 1000));
  await options.onMeasureStart?.();
  measuredFrom = performance.now();
  measuring = true;
  await Promise.all(clients);
  return { completed, lost, seconds: (Math.min(performance.now(), end) - measuredFrom) / 1000, latencies, lastRunId };
}

/**
 * Fixed arrival rate: one event every 1/`rate` s regardless of completions
 * (how traffic arrives in production), for warm-up + `seconds`; latency of
 * each run started after the warm-up.
 *
 * @example const r = await openLoop({ …, rate: 100 }); quantile(r.latencies, 0.99)
 */
export async function openLoop(options: LoadOptions & { rate: number }): Promise<LoadResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const latencies: number[] = [];
  const runs: Promise<void>[] = [];
  let lost = 0;
  let completed = 0;
  let lastRunId: string | undefined;
  const total = Math.round(options.rate * (options.warmupSeconds + options.seconds));
  const warmCount = Math.round(options.rate * options.warmupSeconds);
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (i === warmCount) await options.onMeasureStart?.();
    const event = loadEvent(options.tag, i);
    const measured = i >= warmCount;
    runs.push(
      (async () => {
        const t0 = performance.now();
        const done = options.watch.wait(event.userId!, timeoutMs);
        lastRunId = await fire(options.hookUrl, event, options.secret);
        if (!(await done)) lost++;
        else if (measured) {
          completed++;
          latencies.push(performance.now() - t0);
        }
      })(),
    );
  }
  await Promise.all(runs);
  return { completed, lost, seconds: options.seconds, latencies, lastRunId };
}
