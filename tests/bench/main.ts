/**
 * `npm run bench [-- --json] [-- --only <names>]`: the benchmarks, measured
 * side by side in one run (this machine is shared and noisy, so ratios
 * between rows mean more than absolute numbers).
 *
 * --only: comma-separated, of `engine` (12-step engine core), `segmentation`
 * (plain, embedded, queue+1, queue+2 on seed 002's path), or one of its rows
 * `plain`, `embedded`, `queue` (both queue rows), `queue+1`, `queue+2`;
 * `editor` (the canvas in headless Chromium, ≈ 40 s); and `soak` (not in the
 * default run). Default: engine, segmentation and editor.
 *
 * --seconds S     segmentation: measured seconds of each row in each round, and at half rate (default 6)
 * --rounds N      segmentation: rounds, every row measured once per round, in turns (default 3)
 * --warmup S      segmentation: seconds at saturation that warm each system up first (default 15)
 * --common-turns N segmentation: turns of every row at one common rate, for CPU per run at equal load (default 2; 0: none)
 * --in-flight N   runs in flight while saturating (default 32)
 * --concurrency N runs each Switchyard process takes at once (default: in-flight ÷ workers, as docs/operations.md sizes them)
 * --runs N        engine: runs per driver; soak: runs (default 100,000)
 * --queued N      soak: runs enqueued with no worker for the Redis memory check (default 10,000)
 * --cpu-prof DIR  write a V8 CPU profile of every system process into DIR
 * --sizes A,B     editor: scenario sizes in nodes (default 500,2000)
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchEditor, printEditor } from './editor';
import { benchEngine } from './engine';
import { benchSegmentation, SEGMENTATION_MODES, type SegmentationMode } from './segmentation';
import { printSegmentation } from './segmentation-report';
import { benchSoak, printSoak } from './soak';
import { fmt, table } from './stats';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean' },
    only: { type: 'string' },
    runs: { type: 'string' },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    rounds: { type: 'string' },
    'common-turns': { type: 'string' },
    'in-flight': { type: 'string' },
    concurrency: { type: 'string' },
    queued: { type: 'string' },
    'cpu-prof': { type: 'string' },
    sizes: { type: 'string' },
  },
});

function count(name: string, text: string | undefined, { zero = false } = {}): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zero)) {
    console.error(`--${name} must be a ${zero ? 'non-negative' : 'positive'} number, got "${text}"`);
    process.exit(2);
  }
  return value;
}

const known = ['engine', 'segmentation', 'soak', 'editor', 'queue', ...SEGMENTATION_MODES];
const only = (values.only ?? 'engine,segmentation,editor').split(',').map((s) => s.trim()).filter(Boolean);
for (const name of only) {
  if (!known.includes(name)) {
    console.error(`--only: unknown benchmark "${name}"; choose from ${known.join(', ')}`);
    process.exit(2);
  }
}
const modes = SEGMENTATION_MODES.filter((m) => only.includes('segmentation') || only.includes(m) || (only.includes('queue') && m.startsWith('queue')));
const cpuProfDir = values['cpu-prof'] ? path.resolve(values['cpu-prof']) : undefined;
if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
const log = (line: string) => {
  if (!values.json) console.log(line);
};
const results: Record<string, unknown> = {};

if (only.includes('engine')) {
  const r = await benchEngine({ runs: count('runs', values.runs) });
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

const systemOptions = { cpuProfDir, concurrency: count('concurrency', values.concurrency) };

if (modes.length) {
  log(`\nUser Segmentation (seed 002) — webhook to delivery, ${modes.join(', ')}`);
  const rows = await benchSegmentation(
    { ...systemOptions, modes: modes as SegmentationMode[], seconds: count('seconds', values.seconds), rounds: count('rounds', values.rounds), warmupSeconds: count('warmup', values.warmup),
      commonRateTurns: count('common-turns', values['common-turns'], { zero: true }),
      inFlight: count('in-flight', values['in-flight']) },
    log,
  );
  results.segmentation = rows;
  if (!values.json) printSegmentation(rows);
}

if (only.includes('soak')) {
  log('\nSoak: the queue path (serve + 1 worker), memory sampled throughout');
  const r = await benchSoak({ ...systemOptions, runs: count('runs', values.runs), queued: count('queued', values.queued), inFlight: count('in-flight', values['in-flight']) }, log);
  results.soak = r;
  if (!values.json) printSoak(r);
}

if (only.includes('editor') && !existsSync('/usr/bin/chromium')) {
  // Not a reason to lose the other rows: say what is missing and go on.
  log('\nEditor: skipped — it needs /usr/bin/chromium (Debian package chromium)');
} else if (only.includes('editor')) {
  const sizes = values.sizes?.split(',').map((size) => count('sizes', size)!);
  const rows = await benchEditor({ sizes });
  results.editor = rows;
  if (!values.json) printEditor(rows);
}

if (values.json) console.log(JSON.stringify(results, null, 2));
process.exit(0);
