/**
 * A webhook sender for fault and load tests: posts events with bounded
 * concurrency, each with its own `Idempotency-Key`, and re-sends an event
 * that got no 202 (connection refused while `serve` restarts, a 5xx while
 * Redis is down) until it is accepted — as Segment and other senders do.
 * A redelivery with the same key starts no second run.
 */

export interface SendReport {
  /** runId per event index, once the event was answered 202. */
  runIds: string[];
  /** Statuses other than 202 seen along the way ('network' for no answer), with counts. */
  refusals: Record<string, number>;
  /** Deliveries made, including re-sends. */
  attempts: number;
}

export interface SendOptions {
  /** Base URL, or a function for senders that follow a restarted server. */
  url: string | (() => string);
  path: string;
  count: number;
  concurrency: number;
  /** Body of event n (default `{ n }`). */
  body?: (n: number) => unknown;
  /** Key of event n (default `evt-<n>`). */
  key?: (n: number) => string;
  /** Give up on an event after this long without a 202 (default 120 s). */
  deadlineMs?: number;
  /** Each lane waits this long between events, to spread them over time (default 0). */
  paceMs?: number;
  /** Stop re-sending on these statuses (e.g. 429 in a depth test). */
  finalStatuses?: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * @example const report = await sendWebhooks({ url: base, path: '/hooks/faults', count: 1000, concurrency: 16 });
 */
export async function sendWebhooks(options: SendOptions): Promise<SendReport> {
  const report: SendReport = { runIds: new Array(options.count), refusals: {}, attempts: 0 };
  const base = typeof options.url === 'string' ? () => options.url as string : options.url;
  const deadlineMs = options.deadlineMs ?? 120_000;
  let next = 0;
  const deliver = async (n: number) => {
    const started = Date.now();
    for (;;) {
      report.attempts++;
      let status: string;
      try {
        const res = await fetch(base() + options.path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': options.key?.(n) ?? `evt-${n}` },
          body: JSON.stringify(options.body?.(n) ?? { n }),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await res.text();
        if (res.status === 202) {
          report.runIds[n] = JSON.parse(text).runId;
          return;
        }
        status = String(res.status);
        if (options.finalStatuses?.includes(res.status)) {
          report.refusals[status] = (report.refusals[status] ?? 0) + 1;
          return;
        }
      } catch {
        status = 'network';
      }
      report.refusals[status] = (report.refusals[status] ?? 0) + 1;
      if (Date.now() - started > deadlineMs) throw new Error(`event ${n} was not accepted within ${deadlineMs} ms (last: ${status})`);
      await sleep(100 + Math.random() * 200);
    }
  };
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < options.count) {
        await deliver(next++);
        if (options.paceMs) await sleep(options.paceMs);
      }
    }),
  );
  return report;
}
