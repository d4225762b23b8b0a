/**
 * The soak benchmark: the queue path (`switchyard serve` + 1 worker) on the
 * examples' stand-ins. First `queued` runs are enqueued with no worker, to
 * measure what a queued run costs in Redis; then a worker drains them, and
 * `runs` more signed Segment webhooks are delivered `inFlight` at a time
 * while every process's memory is sampled, to show it stays flat.
 */
import './instant-smtp';
import { startServices } from '../../examples/services';
import { DeliveryWatch, fire, loadEvent } from './load';
import { pssMb, redisMemoryMb, rssMb } from './probe';
import { fmt, table } from './stats';
import { SEGMENT_SECRET, startSwitchyard, type SystemOptions } from './systems';

export interface SoakOptions extends SystemOptions {
  /** Runs in the soak (default 100,000). */
  runs?: number;
  /** Runs queued with no worker for the Redis memory check (default 10,000). */
  queued?: number;
  /** Webhooks in flight at once (default 32). */
  inFlight?: number;
  /** Seconds between memory samples (default 5). */
  sampleSeconds?: number;
  /** Soak runs before memory is judged (default a tenth of `runs`): every process has taken webhooks and run history by then. */
  warmupRuns?: number;
}

export interface SoakSample {
  atRuns: number;
  mb: Record<string, number>;
}

export interface SoakSeries {
  name: string;
  start: number;
  end: number;
  peak: number;
  growth: number;
}

export interface SoakResult {
  queued: number;
  warmupRuns: number;
  queuedRedisMb: number;
  runs: number;
  seconds: number;
  runsPerSecond: number;
  lost: number;
  series: SoakSeries[];
  samples: SoakSample[];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * @example const r = await benchSoak({ runs: 10_000 }, console.log); printSoak(r);
 */
export async function benchSoak(options: SoakOptions = {}, log: (line: string) => void = () => {}): Promise<SoakResult> {
  const runs = options.runs ?? 100_000;
  const queued = options.queued ?? 10_000;
  const inFlight = options.inFlight ?? 32;
  const services = await startServices();
  const watch = new DeliveryWatch(services);
  const system = await startSwitchyard(services, { workers: 0, name: 'soak' }, options);
  try {
    const redis = system.redis!;
    const before = await redisMemoryMb(redis);
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < queued) await fire(system.hookUrl, loadEvent('queued', next++), SEGMENT_SECRET);
      }),
    );
    const queuedRedisMb = (await redisMemoryMb(redis)) - before;
    log(`  ${queued} runs queued with no worker: Redis used_memory +${fmt(queuedRedisMb)} MB`);
    await system.addWorkers(1);
    const drainStart = Date.now();
    while (watch.delivered < queued) {
      if (Date.now() - drainStart > 30 * 60_000) throw new Error(`only ${watch.delivered} of ${queued} queued runs delivered in 30 minutes`);
      await new Promise((r) => setTimeout(r, 200));
    }
    log(`  drained in ${fmt((Date.now() - drainStart) / 1000)} s; soaking ${runs} runs …`);

    const roles = system.groups;
    let done = 0;
    let lost = 0;
    const warmupRuns = options.warmupRuns ?? Math.floor(runs / 10);
    const samples: SoakSample[] = [];
    const sample = async () => {
      if (done < warmupRuns) return;
      const mb: Record<string, number> = {};
      for (const group of roles) {
        if (group.name === 'redis') continue;
        const pids = group.pids();
        if (group.name === 'postgres') {
          // Both: the RSS sum counts shared_buffers once per backend that touched them, so it rises as
          // backends warm up; PSS counts shared pages once and is the group's real footprint.
          mb['postgres RSS (all processes)'] = pids.reduce((sum, pid) => sum + rssMb(pid), 0);
          mb['postgres PSS (all processes)'] = pids.reduce((sum, pid) => sum + pssMb(pid), 0);
        }
        else pids.forEach((pid, i) => (mb[`${group.name}${pids.length > 1 ? ` ${i + 1}` : ''} RSS`] = rssMb(pid)));
      }
      mb['redis used_memory'] = await redisMemoryMb(redis);
      samples.push({ atRuns: done, mb });
    };
    const timer = setInterval(() => void sample(), (options.sampleSeconds ?? 5) * 1000);
    const started = performance.now();
    next = 0;
    let lastReport = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < runs) {
          const event = loadEvent('soak', next++);
          const delivered = watch.wait(event.userId!, 60_000);
          await fire(system.hookUrl, event, SEGMENT_SECRET);
          if (!(await delivered)) lost++;
          done++;
          if (done - lastReport >= Math.max(1000, runs / 10)) {
            lastReport = done;
            log(`  ${done} runs, ${fmt(done / ((performance.now() - started) / 1000))} runs/s`);
          }
        }
      }),
    );
    clearInterval(timer);
    await sample();
    const seconds = (performance.now() - started) / 1000;
    // Start and end are the means of the first and last tenth of the samples, so one noisy sample does not decide.
    const tenth = Math.max(1, Math.floor(samples.length / 10));
    const series = Object.keys(samples[0].mb).map((name) => {
      const values = samples.map((s) => s.mb[name]);
      const start = mean(values.slice(0, tenth));
      const end = mean(values.slice(-tenth));
      return { name, start, end, peak: Math.max(...values), growth: (end - start) / start };
    });
    return { queued, warmupRuns, queuedRedisMb, runs, seconds, runsPerSecond: runs / seconds, lost, series, samples };
  } finally {
    await system.close();
    await services.close();
  }
}

/** Prints the soak's figures with the targets. */
export function printSoak(r: SoakResult): void {
  console.log(
    `\n${r.runs} runs in ${fmt(r.seconds)} s (${fmt(r.runsPerSecond)} runs/s), ${r.lost} lost; ${r.samples.length} memory samples after the first ${r.warmupRuns} runs (warm-up)`,
  );
  console.log(
    '\n' +
      table(
        ['memory', 'after warm-up MB', 'end MB', 'peak MB', 'growth'],
        r.series.map((s) => [s.name, fmt(s.start), fmt(s.end), fmt(s.peak), `${fmt(s.growth * 100)}% ${s.name === 'postgres RSS (all processes)' ? '(not judged: shared buffers count once per backend)' : s.growth <= 0.1 ? 'ok' : 'MISSED'}`]),
      ),
  );
  console.log(
    `\n${r.queued} queued runs in Redis: ${fmt(r.queuedRedisMb)} MB (target < 150 MB${r.queuedRedisMb < 150 ? ', ok' : ', MISSED'}); ${fmt((r.queuedRedisMb * 1024) / r.queued, 2)} KB per run`,
  );
}
