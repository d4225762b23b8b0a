/**
 * What the example suites share: reading the example files, and an engine
 * pointed at the examples' stand-ins (SSRF guard open to 127.0.0.1 only,
 * secrets through the engine's `secrets` option, URLs through SWITCHYARD_VAR_*).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Engine, MemoryScenarioSource, type EngineOptions } from '../../engine/runtime/engine';
import type { RunRecord } from '../../engine/runtime/types';
import type { Scenario } from '../../engine/scenario/schema';
import type { ExampleServices } from '../../examples/services/extra';
import type { NodeRegistry } from '../../nodes/registry';

export const EXAMPLES_DIR = path.resolve('examples');

/** Every scenario file directly under examples/. */
export function exampleFiles(): string[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(EXAMPLES_DIR, f));
}

export function readExample(id: string): Scenario {
  return JSON.parse(readFileSync(path.join(EXAMPLES_DIR, `${id}.json`), 'utf8')) as Scenario;
}

export function readInput<T = any>(id: string): T {
  return JSON.parse(readFileSync(path.join(EXAMPLES_DIR, 'inputs', `${id}.json`), 'utf8')) as T;
}

/** An engine that runs the given examples against `stand`. */
export async function exampleEngine(stand: ExampleServices, registry: NodeRegistry, scenarios: Scenario[], extra: Partial<EngineOptions> = {}): Promise<Engine> {
  const engine = await Engine.create({
    registry,
    scenarios: new MemoryScenarioSource(scenarios.map((s) => stand.pointAt(s))),
    secrets: { all: async () => stand.secrets },
    env: stand.env,
    allowHosts: ['127.0.0.1'],
    ...extra,
  });
  await engine.startWorker({ concurrency: 8 });
  return engine;
}

/** Starts a run and waits until it is final (through delays), or until it parks on a wait when `untilWait` (an approval). */
export async function runToEnd(engine: Engine, scenarioId: string, input: unknown, options: { untilWait?: boolean } = {}): Promise<RunRecord> {
  const runId = await engine.startRun({ scenarioId, version: 1, input });
  const record = await engine.waitForRun(runId, 60_000, { untilFinal: !options.untilWait });
  if (!record) throw new Error(`Run ${runId} has no record`);
  return record;
}

/** The steps of one node, in order. */
export const stepsOf = (record: RunRecord, nodeId: string) => record.steps.filter((s) => s.nodeId === nodeId);
