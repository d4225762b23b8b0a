/**
 * `npm run bench [-- --json] [-- --only engine]`: the benchmarks, measured
 * side by side in one run (this machine is shared and noisy, so ratios
 * between rows mean more than absolute numbers).
 */
import { parseArgs } from 'node:util';
import { benchEngine } from './engine';
import { fmt, table } from './stats';

const { values } = parseArgs({ options: { json: { type: 'boolean' }, only: { type: 'string' }, runs: { type: 'string' } } });
const results: Record<string, unknown> = {};

if (!values.only || values.only === 'engine') {
  const r = await benchEngine({ runs: values.runs ? Number(values.runs) : undefined });
  results.engine = r;
  if (!values.json) {
    console.log(`\nEngine: 12-step transform/router scenario (${r.embedded.stepsPerRun} steps per run incl. trigger), ${r.embedded.runs} runs, 32 in flight\n`);
    console.log(
      table(
        ['driver', 'runs/s', 'step overhead p50 (µs)', 'p99 (µs)'],
        [r.embedded, r.queued].map((x) => [x.driver, fmt(x.runsPerSecond), fmt(x.stepOverheadP50Us), fmt(x.stepOverheadP99Us)]),
      ),
    );
    console.log(`\nraw BullMQ no-op jobs: ${fmt(r.rawJobsPerSecond)} jobs/s → ceiling per run at one job per step: ${fmt(r.ceilingRunsPerSecond)} runs/s`);
    console.log(`BullMQ runs/s ÷ that ceiling: ${fmt(r.ratio, 2)}× (aim ≥ 0.30)`);
  }
}

if (values.json) console.log(JSON.stringify(results, null, 2));
process.exit(0);
