/**
 * Runs the two segmentation examples through the real engine for the
 * end-to-end and browser suites: the CRM stand-in, an engine on either
 * driver with the example vars set the way an operator sets them, and a
 * reviewer who decides at each approval the run waits for.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Engine, MemoryScenarioSource, type EngineLogger } from '../../engine/runtime/engine';
import type { Scenario } from '../../engine/scenario/schema';
import { FINAL_RUN_STATUSES, type RunRecord, type WaitRecord } from '../../engine/runtime/types';
import { startCrmStandIn, type CrmStandIn } from '../../examples/crm/server';
import { createRegistry } from '../../nodes';
import { startRedis, type TestRedis } from '../support/redis-server';
import type { DriverName } from '../support/engine-harness';

export const REPO = path.resolve(import.meta.dirname, '../..');
export const EXAMPLES = path.join(REPO, 'examples');

/** The seed-000 and seed-004 example files. */
export const REVIEW = 'customer-segmentation-review.json';
export const EXPLAINABLE = 'explainable-segmentation.json';

/** @example const doc = await loadExample(REVIEW); */
export async function loadExample(file: string): Promise<Scenario> {
  return JSON.parse(await readFile(path.join(EXAMPLES, file), 'utf8')) as Scenario;
}

/** One line the engine logged for a step. */
export interface LogLine {
  level: string;
  message: string;
  data: Record<string, unknown>;
}

export interface SegmentationRig {
  engine: Engine;
  crm: CrmStandIn;
  /** Every line the engine logged, across runs (each carries `runId` and `nodeId`). */
  logs: LogLine[];
  close(): Promise<void>;
}

/**
 * An engine with both examples loaded, a worker, and the CRM stand-in; vars
 * come from `SWITCHYARD_VAR_*` in the engine's environment, as in production.
 *
 * @example const rig = await startSegmentationRig('bullmq'); … await rig.close();
 */
export async function startSegmentationRig(driver: DriverName): Promise<SegmentationRig> {
  const redis: TestRedis | undefined = driver === 'bullmq' ? await startRedis() : undefined;
  const crm = await startCrmStandIn();
  const logs: LogLine[] = [];
  const sink = (level: string) => (data: object, message?: string) => logs.push({ level, message: message ?? '', data: data as Record<string, unknown> });
  const logger: EngineLogger = { debug() {}, info: sink('info'), warn: sink('warn'), error: sink('error') };
  const engine = await Engine.create({
    registry: await createRegistry(),
    scenarios: new MemoryScenarioSource([await loadExample(REVIEW), await loadExample(EXPLAINABLE)]),
    redisUrl: redis?.url,
    queuePrefix: redis ? `{seg${randomUUID().slice(0, 8)}}` : undefined,
    env: { SWITCHYARD_VAR_CRM_URL: crm.url, SWITCHYARD_VAR_DATA_DIR: path.join(EXAMPLES, 'data') },
    allowHosts: ['127.0.0.1'],
    dataDirs: [EXAMPLES],
    logger,
  });
  // Opens the event subscription now, so the first run's events are not missed while Redis subscribes.
  engine.events.subscribe(() => {});
  await engine.startWorker({ concurrency: 2 });
  return {
    engine,
    crm,
    logs,
    async close() {
      await engine.close();
      await crm.close();
      await redis?.close();
    },
  };
}

/** A reviewer's decision at one approval node. */
export interface Review {
  nodeId: string;
  by: string;
  decision: 'approved' | 'rejected';
  comment?: string;
}

/** What the run looked like at each approval, and its final record. */
export interface ReviewedRun {
  runId: string;
  /** The waits of the run each time it parked, in order. */
  waits: WaitRecord[][];
  final: RunRecord;
}

const RUN_TIMEOUT_MS = 120_000;
/** A slow fallback in case an event is missed (Redis pub/sub drops what arrives before it subscribed). */
const FALLBACK_POLL_MS = 5_000;

/**
 * Resolves with the run's record once `holds` is true of it. It looks again
 * at each of the run's waiting/finished events (and, as a fallback, every few
 * seconds), one look at a time: reading a large run back from Redis takes a
 * while, and overlapping reads would starve the worker sharing this process.
 *
 * @example await untilRun(engine, runId, (r) => r.status === 'succeeded');
 */
export function untilRun(engine: Engine, runId: string, holds: (record: RunRecord) => boolean, timeoutMs = RUN_TIMEOUT_MS): Promise<RunRecord> {
  return new Promise((resolve, reject) => {
    let done = false;
    let looking = false;
    let again = false;
    let fallback: NodeJS.Timeout | undefined;
    const finish = (error: Error | undefined, record?: RunRecord) => {
      if (done) return;
      done = true;
      unsubscribe();
      clearTimeout(fallback);
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(record!);
    };
    const look = async () => {
      if (done) return;
      if (looking) {
        again = true;
        return;
      }
      looking = true;
      clearTimeout(fallback);
      try {
        const record = await engine.getRun(runId);
        if (record && holds(record)) return finish(undefined, record);
        if (record && FINAL_RUN_STATUSES.has(record.status)) return finish(new Error(`run ${runId} ended ${record.status} (${record.error?.message ?? 'no error'}) before the expected state`));
      } catch (error) {
        return finish(error as Error);
      } finally {
        looking = false;
      }
      if (again) {
        again = false;
        return look();
      }
      fallback = setTimeout(look, FALLBACK_POLL_MS);
    };
    const unsubscribe = engine.events.subscribe((event) => {
      if (event.runId === runId && (event.type === 'run.waiting' || event.type === 'run.finished')) void look();
    });
    const timer = setTimeout(() => finish(new Error(`run ${runId} did not reach the expected state within ${timeoutMs} ms`)), timeoutMs);
    void look();
  });
}

const waitingAt = (nodeId: string) => (r: RunRecord) => r.status === 'waiting' && r.waits.some((w) => w.kind === 'approval' && w.nodeId === nodeId);
const final = (r: RunRecord) => FINAL_RUN_STATUSES.has(r.status);

/**
 * Starts a run and, each time it parks on an approval, decides as the next
 * reviewer in `reviews`; resolves with the final record.
 *
 * @example await reviewRun(rig.engine, 'explainable-segmentation', [{ nodeId: 'review', by: 'marketing-lead', decision: 'approved' }]);
 */
export async function reviewRun(engine: Engine, scenarioId: string, reviews: Review[]): Promise<ReviewedRun> {
  const runId = await engine.startRun({ scenarioId, version: 1, input: {} });
  const waits: WaitRecord[][] = [];
  for (const review of reviews) {
    const parked = await untilRun(engine, runId, waitingAt(review.nodeId));
    waits.push(parked.waits);
    await engine.decide(runId, review.nodeId, { decision: review.decision, by: review.by, comment: review.comment });
  }
  return { runId, waits, final: await untilRun(engine, runId, final) };
}

/** The output bundle of the run's (single) step at `nodeId`. */
export function outputOf<T = any>(record: RunRecord, nodeId: string): T {
  const step = record.steps.find((s) => s.nodeId === nodeId);
  if (!step) throw new Error(`run ${record.id} has no step at "${nodeId}" (steps: ${record.steps.map((s) => s.nodeId).join(', ')})`);
  return step.output as T;
}
