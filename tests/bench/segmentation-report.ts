/** Prints the User Segmentation benchmark as the table `docs/performance.md` carries, with the targets checked. */
import type { SegmentationRow } from './segmentation';
import { fmt, table } from './stats';

const ratio = (x: number | undefined) => (x === undefined ? '–' : `${fmt(x, 2)}×`);
/** A ratio judged against a target: three decimals, so that 0.795 does not read as a missed 0.80. */
const judged = (x: number) => `${fmt(x, 3)}×`;
const roles = (values: Record<string, number>, digits = 0) =>
  Object.entries(values)
    .map(([role, v]) => `${role} ${fmt(v, digits)}`)
    .join(' · ');

/**
 * @example printSegmentation(await benchSegmentation());
 */
export function printSegmentation(rows: SegmentationRow[]): void {
  console.log(
    '\n' +
      table(
        ['mode', 'runs/s', '× plain', 'p50 ms @½', 'p99 ms @½', 'CPU ms/run', '× plain', 'CPU ÷ load', '× plain', 'Redis cmd/run', 'cmd/step', 'peak RSS MB'],
        rows.map((r) => [
          r.mode,
          fmt(r.runsPerSecond),
          ratio(r.ratio?.runsPerSecond),
          fmt(r.p50Ms),
          fmt(r.p99Ms),
          fmt(r.cpuMsPerRun, 2),
          ratio(r.ratio?.cpuMsPerRun),
          fmt(r.cpuPerLoad, 2),
          ratio(r.ratio?.cpuPerLoad),
          r.redisCommandsPerRun === undefined ? '–' : fmt(r.redisCommandsPerRun),
          r.redisCommandsPerStep === undefined ? '–' : fmt(r.redisCommandsPerStep, 2),
          roles(r.peakRssMb),
        ]),
      ),
  );
  console.log('\nruns/s in each round (× plain in the same round); the table gives the medians:');
  for (const r of rows) console.log(`  ${r.mode.padEnd(9)} ${r.rounds.map((x) => `${fmt(x.runsPerSecond)}${x.ratio === undefined ? '' : ` (${ratio(x.ratio)})`}`).join(' · ')}`);
  console.log('\nCPU ms per run by process role (load: this benchmark process, the same work in every row):');
  for (const r of rows) console.log(`  ${r.mode.padEnd(9)} ${roles(r.cpuMsPerRunByRole, 2)} · load ${fmt(r.loadCpuMsPerRun, 2)}${r.stepsPerRun ? `   (${r.stepsPerRun} steps per run)` : ''}`);
  const common = rows.filter((r) => r.commonRate);
  if (common.length) {
    console.log(`\nCPU ms per run with every row at one rate, ${fmt(common[0].commonRate!.runsPerSecond, 1)} runs/s, each turn (× plain: median of the turns' ratios), and latency there, all turns:`);
    for (const r of common) {
      const c = r.commonRate!;
      const latency = c.p99Ms === undefined ? '' : `   p50 ${fmt(c.p50Ms!)} ms · p99 ${fmt(c.p99Ms)} ms`;
      console.log(`  ${r.mode.padEnd(9)} ${c.cpuMsPerRun.map((x) => fmt(x, 2)).join(' · ')}   ${ratio(c.ratio)}${latency}`);
    }
  }
  const mixes = rows.filter((r) => r.redisCommandMix);
  if (mixes.length) console.log('\nRedis commands per run, top 8:');
  for (const r of mixes) console.log(`  ${r.mode.padEnd(9)} ${roles(r.redisCommandMix!, 1)}`);
  const lost = rows.filter((r) => r.lost > 0);
  for (const r of lost) console.log(`\n!! ${r.mode}: ${r.lost} runs did not deliver within 30 s`);

  const get = (mode: string) => rows.find((r) => r.mode === mode);
  const checks: string[] = [];
  const embedded = get('embedded');
  if (embedded?.ratio) checks.push(`embedded ≥ 0.8 × plain: ${judged(embedded.ratio.runsPerSecond)} ${embedded.ratio.runsPerSecond >= 0.8 ? 'ok' : 'MISSED'}`);
  for (const q of rows.filter((r) => r.mode.startsWith('queue') && r.ratio)) {
    checks.push(`${q.mode} ≥ 0.6 × plain: ${judged(q.ratio!.runsPerSecond)} ${q.ratio!.runsPerSecond >= 0.6 ? 'ok' : 'MISSED'}`);
  }
  for (const r of rows) checks.push(`${r.mode} p99 @½ < 50 ms: ${fmt(r.p99Ms)} ms ${r.p99Ms < 50 ? 'ok' : 'MISSED'}`);
  for (const r of rows.filter((x) => x.redisCommandsPerStep !== undefined)) {
    checks.push(`${r.mode} ≤ 6 Redis commands per step: ${fmt(r.redisCommandsPerStep!, 2)} ${r.redisCommandsPerStep! <= 6 ? 'ok' : 'MISSED'}`);
  }
  console.log(`\nTargets:\n  ${checks.join('\n  ')}`);
}
