/**
 * The User Segmentation benchmark (issue 7): seed 002's path — signed
 * Segment webhook → ML → content → Braze ×2 → SMTP or push — on the same
 * stand-ins, side by side in one run:
 *
 * - plain: the hand-written async function (`plain-path.ts`), the ceiling;
 * - embedded: `switchyard serve` with the in-process driver;
 * - queue+1, queue+2: `switchyard serve` + 1 or 2 `switchyard worker` on BullMQ.
 *
 * Each row: maximum runs/s (closed loop, `inFlight` runs at once), then p50
 * and p99 webhook-to-delivery latency at half of that rate (open loop), CPU
 * per run summed over every process of the system (Redis and PostgreSQL
 * included) — also divided by this process's own CPU per run, which cancels
 * the machine's drift between rows — Redis commands per run and per step,
 * peak RSS per process role.
 */
import './instant-smtp';
import { Redis } from 'ioredis';
import { startServices, type RunningServices } from '../../examples/services';
import { closedLoop, DeliveryWatch, openLoop } from './load';
import { commandDelta, redisCommands, ResourceProbe } from './probe';
import { quantile } from './stats';
import { SEGMENT_SECRET, startPlain, startSwitchyard, type SystemOptions, type SystemUnderTest } from './systems';

export type SegmentationMode = 'plain' | 'embedded' | 'queue+1' | 'queue+2';
export const SEGMENTATION_MODES: SegmentationMode[] = ['plain', 'embedded', 'queue+1', 'queue+2'];

export interface SegmentationOptions extends SystemOptions {
  modes?: SegmentationMode[];
  /** Measured seconds of each phase (saturation, half rate). Default 8. */
  seconds?: number;
  /** Warm-up seconds before each phase. Default 2. */
  warmupSeconds?: number;
  /** Runs kept in flight while saturating. Default 32. */
  inFlight?: number;
}

export interface SegmentationRow {
  mode: SegmentationMode;
  runsPerSecond: number;
  /** At half of `runsPerSecond`. */
  halfRate: number;
  p50Ms: number;
  p99Ms: number;
  /** At saturation, for reference (queueing dominates it). */
  saturatedP50Ms: number;
  cpuMsPerRun: number;
  cpuMsPerRunByRole: Record<string, number>;
  /**
   * CPU per run of this benchmark process itself — the load and the stand-ins, the same work in
   * every row — over the same window: a ruler for how fast the machine was while the row ran.
   */
  loadCpuMsPerRun: number;
  /** `cpuMsPerRun` in units of `loadCpuMsPerRun`: the system's cost with the machine's drift divided out. */
  cpuPerLoad: number;
  stepsPerRun?: number;
  redisCommandsPerRun?: number;
  redisCommandsPerStep?: number;
  /** Redis commands per run by command, largest first. */
  redisCommandMix?: Record<string, number>;
  peakRssMb: Record<string, number>;
  lost: number;
  ratio?: { runsPerSecond: number; cpuMsPerRun: number; cpuPerLoad: number };
}

async function stepsPerRun(system: SystemUnderTest, runId: string | undefined): Promise<number | undefined> {
  if (system.name === 'plain' || !runId) return undefined;
  const base = new URL(system.hookUrl).origin;
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`${base}/api/runs/${runId}`);
    if (res.ok) {
      const run = (await res.json()) as { status: string; steps: unknown[] };
      if (run.status === 'succeeded') return run.steps.length;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

async function measureMode(mode: SegmentationMode, services: RunningServices, watch: DeliveryWatch, options: SegmentationOptions): Promise<SegmentationRow> {
  const seconds = options.seconds ?? 8;
  const warmupSeconds = options.warmupSeconds ?? 2;
  const system =
    mode === 'plain'
      ? await startPlain(services, options)
      : await startSwitchyard(services, { workers: mode === 'embedded' ? undefined : Number(mode.split('+')[1]) }, options);
  try {
    const probe = new ResourceProbe(system.groups);
    const redis: Redis | undefined = system.redis;
    let before: Awaited<ReturnType<typeof redisCommands>> | undefined;
    let loadBefore = process.cpuUsage();
    const saturated = await closedLoop({
      hookUrl: system.hookUrl,
      secret: SEGMENT_SECRET,
      watch,
      tag: `${mode}-max`,
      warmupSeconds,
      seconds,
      inFlight: options.inFlight ?? 32,
      onMeasureStart: async () => {
        loadBefore = process.cpuUsage();
        probe.start();
        if (redis) before = await redisCommands(redis);
      },
    });
    const resources = probe.stop();
    const load = process.cpuUsage(loadBefore);
    const after = redis ? await redisCommands(redis) : undefined;
    const runsPerSecond = saturated.completed / saturated.seconds;
    const steps = await stepsPerRun(system, saturated.lastRunId);
    const commandsPerRun = before && after ? (after.total - before.total) / saturated.completed : undefined;
    const mix = before && after ? commandDelta(before.byCommand, after.byCommand) : undefined;

    // Let the saturation phase drain before timing latency.
    while (watch.pending() > 0) await new Promise((r) => setTimeout(r, 50));
    const halfRate = runsPerSecond / 2;
    const paced = await openLoop({ hookUrl: system.hookUrl, secret: SEGMENT_SECRET, watch, tag: `${mode}-half`, warmupSeconds, seconds, rate: halfRate });

    const cpuByRole = Object.fromEntries(Object.entries(resources.cpuMs).map(([role, ms]) => [role, ms / saturated.completed]));
    const cpuMsPerRun = Object.values(cpuByRole).reduce((a, b) => a + b, 0);
    const loadCpuMsPerRun = (load.user + load.system) / 1000 / saturated.completed;
    return {
      mode,
      runsPerSecond,
      halfRate,
      p50Ms: quantile(paced.latencies, 0.5),
      p99Ms: quantile(paced.latencies, 0.99),
      saturatedP50Ms: quantile(saturated.latencies, 0.5),
      cpuMsPerRun,
      cpuMsPerRunByRole: cpuByRole,
      loadCpuMsPerRun,
      cpuPerLoad: cpuMsPerRun / loadCpuMsPerRun,
      stepsPerRun: steps,
      redisCommandsPerRun: commandsPerRun,
      redisCommandsPerStep: commandsPerRun !== undefined && steps ? commandsPerRun / steps : undefined,
      redisCommandMix: mix ? Object.fromEntries(Object.entries(mix).slice(0, 8).map(([k, v]) => [k, v / saturated.completed])) : undefined,
      peakRssMb: resources.peakRssMb,
      lost: saturated.lost + paced.lost,
    };
  } finally {
    await system.close();
  }
}

/**
 * Runs the chosen rows one after another against one set of stand-ins and
 * adds each row's ratio to plain.
 *
 * @example const rows = await benchSegmentation({ seconds: 5 });
 */
export async function benchSegmentation(options: SegmentationOptions = {}, log: (line: string) => void = () => {}): Promise<SegmentationRow[]> {
  const services = await startServices();
  const watch = new DeliveryWatch(services);
  const rows: SegmentationRow[] = [];
  try {
    for (const mode of options.modes ?? SEGMENTATION_MODES) {
      log(`  measuring ${mode} …`);
      rows.push(await measureMode(mode, services, watch, options));
    }
  } finally {
    await services.close();
  }
  const plain = rows.find((r) => r.mode === 'plain');
  if (plain) {
    for (const row of rows) {
      row.ratio = { runsPerSecond: row.runsPerSecond / plain.runsPerSecond, cpuMsPerRun: row.cpuMsPerRun / plain.cpuMsPerRun, cpuPerLoad: row.cpuPerLoad / plain.cpuPerLoad };
    }
  }
  return rows;
}
