/**
 * The User Segmentation benchmark (issue 7): seed 002's path — signed
 * Segment webhook → ML → content → Braze ×2 → SMTP or push — on the same
 * stand-ins, side by side in one run:
 *
 * - plain: the hand-written async function (`plain-path.ts`), the ceiling;
 * - embedded: `switchyard serve` with the in-process driver;
 * - queue+1, queue+2: `switchyard serve` + 1 or 2 `switchyard worker` on BullMQ.
 *
 * Every row's system is started and warmed up first, then the rows are
 * measured in turns, round after round, so that each row's runs/s is
 * compared with plain's from the same round, minutes apart at most, rather
 * than with a plain measured while the shared machine ran at another speed.
 *
 * Each row: maximum runs/s (closed loop, `inFlight` runs at once), then p50
 * and p99 webhook-to-delivery latency at half of that rate (open loop), CPU
 * per run summed over every process of the system (Redis and PostgreSQL
 * included) — also divided by this process's own CPU per run, which cancels
 * the machine's drift between rows — Redis commands per run and per step,
 * peak RSS per process role.
 *
 * Last, every row again at one common rate — half the slowest row's maximum
 * — in turns: CPU per run there, ÷ plain's in the same turn, is the engine's
 * cost compared at equal work per second. At saturation each row runs at its
 * own rate, and a process's CPU per run falls as its rate rises (more work
 * per event-loop turn, the load's included), so CPU ÷ load compares rows at
 * unequal rates (docs/performance.md, eighth session).
 */
import './instant-smtp';
import { Redis } from 'ioredis';
import { startServices } from '../../examples/services';
import { closedLoop, DeliveryWatch, openLoop } from './load';
import { commandDelta, redisCommands, ResourceProbe } from './probe';
import { median, quantile } from './stats';
import { SEGMENT_SECRET, startPlain, startSwitchyard, type SystemOptions, type SystemUnderTest } from './systems';

export type SegmentationMode = 'plain' | 'embedded' | 'queue+1' | 'queue+2';
export const SEGMENTATION_MODES: SegmentationMode[] = ['plain', 'embedded', 'queue+1', 'queue+2'];

export interface SegmentationOptions extends SystemOptions {
  modes?: SegmentationMode[];
  /** Measured seconds of each row in each round, and of each row's half-rate phase. Default 6. */
  seconds?: number;
  /** Rounds of saturation, every row measured once per round. Default 3. */
  rounds?: number;
  /**
   * Seconds of saturation that warm each system up before the rounds. Default 15: a fresh Node
   * process is still compiling its hot code for the first ~10 s of load
   * (TurboFan on V8's helper threads), and the engine has far more of it than
   * the plain function, so a short warm-up measures the JIT, not the engine
   * (docs/performance.md, seventh session).
   */
  warmupSeconds?: number;
  /** Warm-up seconds before the half-rate phase, on processes already warm from saturation. Default 2. */
  halfRateWarmupSeconds?: number;
  /** Runs kept in flight while saturating. Default 32. */
  inFlight?: number;
  /** Turns of the common-rate phase, every row once per turn. Default 2; 0 leaves the phase out. */
  commonRateTurns?: number;
}

/** How many `switchyard worker` processes a row starts beside `serve`; none for embedded. */
function workersOf(mode: Exclude<SegmentationMode, 'plain'>): number | undefined {
  return mode === 'embedded' ? undefined : Number(mode.split('+')[1]);
}

/**
 * Each Switchyard process's slots, sized as docs/operations.md tells an operator to: all
 * workers' slots together about the runs in flight at peak. With the CLI's default of 16 a
 * worker, serve + 1 worker left half the benchmark's 32 runs waiting in the queue while the
 * worker's slots sat on their HTTP calls; two workers of 32, on the other hand, spend more
 * Redis commands on each job than two of 16 (docs/performance.md, seventeenth session).
 */
function slotsPerProcess(inFlight: number, mode: Exclude<SegmentationMode, 'plain'>): number {
  return Math.ceil(inFlight / (workersOf(mode) ?? 1));
}

/** A row at the rate every row was run at in the common-rate phase. */
export interface CommonRateSample {
  runsPerSecond: number;
  /** CPU per run over every process of the system, each turn. */
  cpuMsPerRun: number[];
  /**
   * Webhook-to-delivery latency over all turns, ms: every row under the same load, so what differs
   * is the system, not how hard its own half rate pushes it (the half-rate columns).
   */
  p50Ms?: number;
  p99Ms?: number;
  /** The median over the turns of CPU per run ÷ plain's in the same turn. */
  ratio?: number;
}

/** One row's saturation window in one round. */
export interface SaturationSample {
  runsPerSecond: number;
  /** `runsPerSecond` ÷ plain's in the same round. */
  ratio?: number;
}

export interface SegmentationRow {
  mode: SegmentationMode;
  /** The median over the rounds. */
  runsPerSecond: number;
  rounds: SaturationSample[];
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
  /** `runsPerSecond`: the median of the rounds' ratios; the CPU ratios from all rounds together. */
  ratio?: { runsPerSecond: number; cpuMsPerRun: number; cpuPerLoad: number };
  /** Absent when the phase was left out. */
  commonRate?: CommonRateSample;
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

interface Window {
  completed: number;
  runsPerSecond: number;
  lost: number;
  lastRunId?: string;
  latencies: number[];
  cpuMs: Record<string, number>;
  loadCpuMs: number;
  peakRssMb: Record<string, number>;
  commands?: number;
  mix?: Record<string, number>;
}

/** One closed-loop window on a system: its throughput and what it cost, every process of it counted. */
async function saturate(system: SystemUnderTest, watch: DeliveryWatch, tag: string, warmupSeconds: number, seconds: number, inFlight: number): Promise<Window> {
  const probe = new ResourceProbe(system.groups);
  const redis: Redis | undefined = system.redis;
  let before: Awaited<ReturnType<typeof redisCommands>> | undefined;
  let loadBefore = process.cpuUsage();
  const result = await closedLoop({
    hookUrl: system.hookUrl,
    secret: SEGMENT_SECRET,
    watch,
    tag,
    warmupSeconds,
    seconds,
    inFlight,
    onMeasureStart: async () => {
      loadBefore = process.cpuUsage();
      probe.start();
      if (redis) before = await redisCommands(redis);
    },
  });
  const resources = probe.stop();
  const load = process.cpuUsage(loadBefore);
  const after = redis ? await redisCommands(redis) : undefined;
  // Let the window drain, so the next one starts on an idle machine.
  while (watch.pending() > 0) await new Promise((r) => setTimeout(r, 50));
  return {
    completed: result.completed,
    runsPerSecond: result.completed / result.seconds,
    lost: result.lost,
    lastRunId: result.lastRunId,
    latencies: result.latencies,
    cpuMs: resources.cpuMs,
    loadCpuMs: (load.user + load.system) / 1000,
    peakRssMb: resources.peakRssMb,
    commands: before && after ? after.total - before.total : undefined,
    mix: before && after ? commandDelta(before.byCommand, after.byCommand) : undefined,
  };
}

/** One open-loop window at `rate`: CPU per completed run over every process of the system, and each run's latency. */
async function paceAt(system: SystemUnderTest, watch: DeliveryWatch, tag: string, rate: number, seconds: number): Promise<{ cpuMsPerRun: number; latencies: number[] }> {
  const probe = new ResourceProbe(system.groups);
  const result = await openLoop({ hookUrl: system.hookUrl, secret: SEGMENT_SECRET, watch, tag, warmupSeconds: 1, seconds, rate, onMeasureStart: () => probe.start() });
  return { cpuMsPerRun: sumOf(Object.values(probe.stop().cpuMs)) / result.completed, latencies: result.latencies };
}

const sumOf = (values: number[]) => values.reduce((a, b) => a + b, 0);
/** A row's maximum throughput: the median of its rounds. */
const maxRate = (windows: Window[]) => median(windows.map((w) => w.runsPerSecond));

/** A row from its rounds (CPU and Redis counted over all of them) and its half-rate phase. */
async function summarize(mode: SegmentationMode, system: SystemUnderTest, windows: Window[], paced: { latencies: number[]; lost: number }): Promise<SegmentationRow> {
  const completed = sumOf(windows.map((w) => w.completed));
  const cpuByRole: Record<string, number> = {};
  const peakRssMb: Record<string, number> = {};
  for (const w of windows) {
    for (const [role, ms] of Object.entries(w.cpuMs)) cpuByRole[role] = (cpuByRole[role] ?? 0) + ms / completed;
    for (const [role, mb] of Object.entries(w.peakRssMb)) peakRssMb[role] = Math.max(peakRssMb[role] ?? 0, mb);
  }
  const cpuMsPerRun = sumOf(Object.values(cpuByRole));
  const loadCpuMsPerRun = sumOf(windows.map((w) => w.loadCpuMs)) / completed;
  const steps = await stepsPerRun(system, windows.at(-1)?.lastRunId);
  const counted = windows.every((w) => w.commands !== undefined);
  const commandsPerRun = counted ? sumOf(windows.map((w) => w.commands!)) / completed : undefined;
  const mix: Record<string, number> = {};
  if (counted) for (const w of windows) for (const [command, n] of Object.entries(w.mix ?? {})) mix[command] = (mix[command] ?? 0) + n / completed;
  const topMix = Object.entries(mix).sort((a, b) => b[1] - a[1]).slice(0, 8);
  const runsPerSecond = maxRate(windows);
  return {
    mode,
    runsPerSecond,
    rounds: windows.map((w) => ({ runsPerSecond: w.runsPerSecond })),
    halfRate: runsPerSecond / 2,
    p50Ms: quantile(paced.latencies, 0.5),
    p99Ms: quantile(paced.latencies, 0.99),
    saturatedP50Ms: quantile(windows.flatMap((w) => w.latencies), 0.5),
    cpuMsPerRun,
    cpuMsPerRunByRole: cpuByRole,
    loadCpuMsPerRun,
    cpuPerLoad: cpuMsPerRun / loadCpuMsPerRun,
    stepsPerRun: steps,
    redisCommandsPerRun: commandsPerRun,
    redisCommandsPerStep: commandsPerRun !== undefined && steps ? commandsPerRun / steps : undefined,
    redisCommandMix: counted ? Object.fromEntries(topMix) : undefined,
    peakRssMb,
    lost: sumOf(windows.map((w) => w.lost)) + paced.lost,
  };
}

/**
 * Starts every chosen row's system against one set of stand-ins, warms each
 * up, measures them in turns for `rounds` rounds — in the last, each row
 * then at half its maximum rate — and adds each row's ratio to plain.
 *
 * @example const rows = await benchSegmentation({ seconds: 5 });
 */
export async function benchSegmentation(options: SegmentationOptions = {}, log: (line: string) => void = () => {}): Promise<SegmentationRow[]> {
  const seconds = options.seconds ?? 6;
  const rounds = options.rounds ?? 3;
  const warmupSeconds = options.warmupSeconds ?? 15;
  const inFlight = options.inFlight ?? 32;
  const modes = options.modes ?? SEGMENTATION_MODES;
  const services = await startServices();
  const watch = new DeliveryWatch(services);
  const systems = new Map<SegmentationMode, SystemUnderTest>();
  const rows: SegmentationRow[] = [];
  try {
    for (const mode of modes) {
      log(`  starting ${mode}, then ${warmupSeconds} s at saturation to warm it up …`);
      const system =
        mode === 'plain'
          ? await startPlain(services, options)
          : await startSwitchyard(services, { workers: workersOf(mode) }, { ...options, concurrency: options.concurrency ?? slotsPerProcess(inFlight, mode) });
      systems.set(mode, system);
      await saturate(system, watch, `${mode}-warm`, 1, warmupSeconds, inFlight);
    }
    const windows = new Map<SegmentationMode, Window[]>(modes.map((m) => [m, []]));
    for (let round = 1; round <= rounds; round++) {
      log(`  round ${round} of ${rounds}: ${modes.join(', ')}${round === rounds ? ', each then at half its maximum' : ''} …`);
      for (const mode of modes) {
        const system = systems.get(mode)!;
        // A second of ramp-up in each window: the 32 clients start together.
        windows.get(mode)!.push(await saturate(system, watch, `${mode}-max${round}`, 1, seconds, inFlight));
        if (round < rounds) continue;
        // Latency right after the row's last window, while its processes are as warm as they were measured.
        const rate = maxRate(windows.get(mode)!) / 2;
        const paced = await openLoop({ hookUrl: system.hookUrl, secret: SEGMENT_SECRET, watch, tag: `${mode}-half`, warmupSeconds: options.halfRateWarmupSeconds ?? 2, seconds, rate });
        rows.push(await summarize(mode, system, windows.get(mode)!, paced));
      }
    }
    const turns = options.commonRateTurns ?? 2;
    const rate = Math.min(...rows.map((r) => r.halfRate));
    const latencies = new Map<SegmentationMode, number[]>();
    for (let turn = 1; turn <= turns; turn++) {
      log(`  common rate, turn ${turn} of ${turns}: ${modes.join(', ')} at ${rate.toFixed(1)} runs/s …`);
      for (const row of rows) {
        const paced = await paceAt(systems.get(row.mode)!, watch, `${row.mode}-common${turn}`, rate, seconds);
        (row.commonRate ??= { runsPerSecond: rate, cpuMsPerRun: [] }).cpuMsPerRun.push(paced.cpuMsPerRun);
        latencies.set(row.mode, [...(latencies.get(row.mode) ?? []), ...paced.latencies]);
      }
    }
    for (const row of rows) {
      const all = latencies.get(row.mode);
      if (row.commonRate && all?.length) Object.assign(row.commonRate, { p50Ms: quantile(all, 0.5), p99Ms: quantile(all, 0.99) });
    }
  } finally {
    for (const system of systems.values()) await system.close();
    await services.close();
  }
  const plain = rows.find((r) => r.mode === 'plain');
  if (plain) {
    for (const row of rows) {
      row.rounds.forEach((sample, i) => (sample.ratio = sample.runsPerSecond / plain.rounds[i].runsPerSecond));
      row.ratio = {
        runsPerSecond: median(row.rounds.map((r) => r.ratio!)),
        cpuMsPerRun: row.cpuMsPerRun / plain.cpuMsPerRun,
        cpuPerLoad: row.cpuPerLoad / plain.cpuPerLoad,
      };
      if (row.commonRate && plain.commonRate) row.commonRate.ratio = median(row.commonRate.cpuMsPerRun.map((cpu, i) => cpu / plain.commonRate!.cpuMsPerRun[i]));
    }
  }
  return rows;
}
