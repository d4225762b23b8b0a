/**
 * A `switchyard worker`-like child process for crash tests: consumes runs of
 * the scenarios in the given files from the given Redis. Killed with SIGKILL
 * by the tests; prints "ready" once it takes jobs.
 *
 * Usage: node --import tsx tests/support/worker-process.ts <redisUrl> <prefix> <scenario.json>…
 */
import { readFileSync } from 'node:fs';
import { createRegistry } from '../../nodes';
import { Engine, MemoryScenarioSource } from '../../engine/runtime/engine';

const [redisUrl, prefix, ...files] = process.argv.slice(2);
const registry = await createRegistry();
const engine = await Engine.create({
  registry,
  scenarios: new MemoryScenarioSource(files.map((f) => JSON.parse(readFileSync(f, 'utf8')))),
  redisUrl,
  queuePrefix: prefix,
  allowHosts: ['127.0.0.1'],
  lockDurationMs: Number(process.env.TEST_LOCK_MS ?? 1000),
});
await engine.startWorker({ concurrency: Number(process.env.TEST_CONCURRENCY ?? 4) });
process.on('SIGTERM', () => void engine.close().then(() => process.exit(0)));
process.stdout.write('ready\n');
