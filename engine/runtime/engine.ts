/**
 * The engine facade: what the CLI, the server and the tests use. It picks
 * the drivers (BullMQ + Redis state when `redisUrl` is set, in-process
 * otherwise), compiles scenario versions once, and turns the public
 * operations — start, cancel, retry, resume, decide — into queue jobs and run
 * commands.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { NodeRegistry } from '../../nodes/registry';
import { createHttpClient, type GuardedHttpClient } from '../http';
import type { Scenario } from '../scenario/schema';
import { reviewerRefusal } from './approval-reviewers';
import { compileScenario } from './compile';
import { BullmqQueueDriver, redisConnection } from './drivers/bullmq-queue';
import { checkRedisSettings } from './drivers/redis-health';
import { MemoryEventBus } from './drivers/memory-events';
import { MemoryQueueDriver } from './drivers/memory-queue';
import { MemoryRunStateStore } from './drivers/memory-state';
import { ParkedRunStateStore, type ParkingLot } from './drivers/parked-state';
import { RedisEventBus } from './drivers/redis-events';
import { RedisRunStateStore } from './drivers/redis-state';
import type { ExecutorServices } from './executor';
import { createRunMachine } from './machine';
import { RunOrchestrator, type CompiledVersion } from './orchestrator';
import type { QueueDriver, SegmentProcessor } from './queue-driver';
import { redactRecord, runRecordOf } from './record';
import { redactor } from './redact';
import { RunRefusal } from './refusal';
import { segmentFailureLogger } from './segment-failure-log';
import type { RunCommand, RunStateStore } from './run-state-store';
import type { RunEventBus, RunHistory, RunRecord, ScenarioSource, SecretSource, StartRunRequest } from './types';
import { FINAL_RUN_STATUSES } from './types';
import { varsWithOverrides } from './var-overrides';

/** Structured log sink (pino's shape). */
export interface EngineLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface EngineOptions {
  registry: NodeRegistry;
  scenarios: ScenarioSource;
  history?: RunHistory;
  secrets?: SecretSource;
  /** BullMQ on this Redis when set; in-process otherwise. */
  redisUrl?: string;
  queuePrefix?: string;
  logger?: EngineLogger;
  /** Folders `data.load` may read. */
  dataDirs?: string[];
  /** Step timeout when a node sets none (default 5 minutes). */
  defaultTimeoutMs?: number;
  /** Worker lock duration in BullMQ mode: how soon a dead worker's run is taken over. */
  lockDurationMs?: number;
  /** Hosts, IPs and CIDRs outbound nodes may reach besides public addresses (default SWITCHYARD_ALLOW_HOSTS). */
  allowHosts?: string[];
  /** Environment to read SWITCHYARD_VAR_* from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Embedded mode: where parked runs are saved so they survive a restart (the store). */
  parking?: ParkingLot;
  onStep?(nodeType: string, status: string, durationMs: number): void;
  onRunFinished?(status: string): void;
}

/**
 * A scenario's `vars` with its `SWITCHYARD_VAR_<NAME>` overrides, each read as the type of the var it
 * replaces (`var-overrides.ts`); throws a `VarOverrideError` naming the variable when one does not read.
 */
export function varsFor(scenario: Scenario, env: NodeJS.ProcessEnv): Record<string, unknown> {
  return varsWithOverrides(scenario.settings?.vars ?? {}, env);
}

/**
 * How long a final run's live state stays in Redis when a history store keeps the run. The history is
 * written before the state turns final, so this only covers readers that looked a moment earlier.
 * (At 60 s, Redis held a minute of runs — ≈130 MB at 87 runs/s in the 100,000-run soak, and rising with
 * throughput: docs/performance.md.)
 */
const FINAL_STATE_WITH_HISTORY_MS = 10_000;
/** How many final runs' live state stay in memory (embedded) when a history store keeps the runs. */
const FINAL_RUNS_IN_MEMORY_WITH_HISTORY = 200;

const noopLogger: EngineLogger = { debug() {}, info() {}, warn() {}, error() {} };

export class Engine {
  readonly events: RunEventBus;
  readonly driver: QueueDriver;
  private readonly state: RunStateStore;
  private readonly orchestrator: RunOrchestrator;
  private readonly compiled = new Map<string, Promise<CompiledVersion>>();
  private readonly baseServices: Omit<ExecutorServices, 'secrets' | 'vars'>;
  private readonly http: GuardedHttpClient;

  private constructor(private readonly options: EngineOptions) {
    const logger = options.logger ?? noopLogger;
    if (options.redisUrl) {
      this.driver = new BullmqQueueDriver({ redisUrl: options.redisUrl, prefix: options.queuePrefix, lockDurationMs: options.lockDurationMs });
      // With a history store, a final run is read from there; its live state only has to outlast the history write.
      // (Kept a day, 100,000 runs of the seed scenario held ~2 GB of Redis: docs/performance.md.)
      this.state = new RedisRunStateStore({
        redisUrl: options.redisUrl,
        prefix: options.queuePrefix,
        retainFinalMs: options.history ? FINAL_STATE_WITH_HISTORY_MS : undefined,
        finishedMarker: Boolean(options.history),
      });
      this.events = new RedisEventBus(options.redisUrl, options.queuePrefix);
    } else {
      this.driver = new MemoryQueueDriver();
      // Likewise in memory: 10,000 final snapshots of the seed scenario took ~700 MB of the embedded server.
      // With a history store a final run leaves only the marker, as in Redis.
      const keepFinal = options.history ? FINAL_RUNS_IN_MEMORY_WITH_HISTORY : undefined;
      const marker = Boolean(options.history);
      this.state = options.parking ? new ParkedRunStateStore(options.parking, keepFinal, marker) : new MemoryRunStateStore(keepFinal, marker);
      this.events = new MemoryEventBus();
    }
    this.http = createHttpClient(options.allowHosts ? { allowHosts: options.allowHosts } : {});
    this.baseServices = {
      http: this.http,
      log: (level, message, data) => logger[level](data, message),
      dataDirs: options.dataDirs ?? [path.resolve('examples')],
      defaultTimeoutMs: options.defaultTimeoutMs ?? 300_000,
      saveArtifact: async (runId, name, contentType, body) => {
        const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
        await options.history?.putArtifact?.(runId, { name, contentType, body: bytes });
      },
    };
    this.orchestrator = new RunOrchestrator({
      state: this.state,
      events: this.events,
      history: options.history,
      load: (scenarioId, version) => this.load(scenarioId, version),
      services: async () => ({ ...this.baseServices, vars: {}, secrets: await this.secrets() }),
      onStep: options.onStep,
      onRunFinished: options.onRunFinished,
    });
  }

  /**
   * @example
   * const engine = await Engine.create({ registry, scenarios, redisUrl: process.env.REDIS_URL });
   * await engine.startWorker({ concurrency: 8 });
   * const runId = await engine.startRun({ scenarioId: 'user-segmentation', version: 3, input: event });
   */
  static async create(options: EngineOptions): Promise<Engine> {
    const engine = new Engine(options);
    if (options.redisUrl) {
      const redis = redisConnection(options.redisUrl);
      try {
        for (const warning of await checkRedisSettings(redis)) options.logger?.warn({ setting: warning.setting, value: warning.value }, warning.message);
      } finally {
        redis.disconnect();
      }
    }
    return engine;
  }

  /** `memory` or `bullmq`. */
  get mode(): 'memory' | 'bullmq' {
    return this.driver.kind;
  }

  /** The BullMQ queues (for the dashboard); empty in embedded mode. */
  queues(): unknown[] {
    return this.driver instanceof BullmqQueueDriver ? [this.driver.queue] : [];
  }

  /** Decrypted secrets; the secret source (the vault) caches them and drops its cache when one changes. */
  private async secrets(): Promise<Record<string, string>> {
    return this.options.secrets ? this.options.secrets.all() : {};
  }

  private load(scenarioId: string, version: number): Promise<CompiledVersion> {
    const key = `${scenarioId}@${version}`;
    let entry = this.compiled.get(key);
    if (!entry) {
      entry = (async () => {
        const scenario = await this.options.scenarios.get(scenarioId, version);
        if (!scenario) throw new Error(`Scenario ${scenarioId} version ${version} not found`);
        const compiled = compileScenario(scenario, this.options.registry);
        return { compiled, machine: createRunMachine(compiled), vars: varsFor(compiled.scenario, this.options.env ?? process.env) };
      })();
      entry.catch(() => this.compiled.delete(key));
      this.compiled.set(key, entry);
      if (this.compiled.size > 500) this.compiled.delete(this.compiled.keys().next().value!);
    }
    return entry;
  }

  /** Starts consuming run jobs in this process. Resolves to the runs it takes at once. */
  async startWorker(options: { concurrency?: number } = {}): Promise<number> {
    // A run holds its slot until its history is written, which under load may wait up to 30 ms for
    // its group commit (store/run-writer.ts): enough slots that this does not hold back the next runs.
    const concurrency = options.concurrency ?? (this.driver.kind === 'memory' ? 32 : 16);
    await this.driver.consume(this.driver.kind === 'bullmq' ? this.loggingFailures() : (job, signal) => this.orchestrator.processSegment(job, signal), {
      concurrency,
      afterComplete: async (runId) => {
        if (await this.state.hasCommands(runId)) await this.driver.enqueue({ runId });
      },
    });
    // Embedded mode after a restart: parked runs come back and go on (a due delay fires at once).
    if (this.state instanceof ParkedRunStateStore) {
      for (const runId of await this.state.restoreParked()) await this.driver.enqueue({ runId });
    }
    return concurrency;
  }

  /**
   * BullMQ mode's segment processor: a segment that throws is retried by the queue, with the reason kept
   * only in Redis, so it is logged here too (rate-limited). The in-process driver reports its own retries.
   */
  private loggingFailures(): SegmentProcessor {
    const logFailure = segmentFailureLogger(this.options.logger ?? noopLogger);
    return async (job, signal) => {
      try {
        return await this.orchestrator.processSegment(job, signal);
      } catch (error) {
        // Aborted by shutdown: the job goes back to the queue, nothing failed.
        if (!signal.aborted) logFailure(job.runId, error);
        throw error;
      }
    };
  }

  /** Queues a run; it is durable once this resolves. Returns the run id. */
  async startRun(request: StartRunRequest & { parentRunId?: string }): Promise<string> {
    // Compile now so an invalid scenario is refused before anything is queued.
    await this.load(request.scenarioId, request.version);
    const runId = request.runId ?? randomUUID();
    await this.driver.enqueue({
      runId,
      start: {
        runId,
        scenarioId: request.scenarioId,
        version: request.version,
        startedAt: new Date().toISOString(),
        input: request.input ?? {},
        request: request.request,
        trigger: request.trigger ?? 'manual',
        parentRunId: request.parentRunId,
      },
    });
    return runId;
  }

  /**
   * The run as it stands: live state first, history when the live state has expired — and, for a run
   * still queued or in its first segment (whose live state does not hold its start yet), its job's start
   * with the steps logged so far. Such a run reads `queued` until its first step has begun.
   */
  async getRun(runId: string): Promise<RunRecord | undefined> {
    let run = await this.orchestrator.restore(runId).catch(() => undefined);
    // Restored from its job's start: no step recorded yet means no step has begun.
    let fromJob = false;
    if (!run) {
      const stored = await this.options.history?.getRun?.(runId);
      if (stored) return stored;
      const start = await this.driver.startOf(runId).catch(() => undefined);
      if (start) run = await this.orchestrator.restore(runId, start).catch(() => undefined);
      if (!run) return undefined;
      fromJob = true;
    }
    const record = runRecordOf(run.actor.context);
    run.actor.stop();
    if (fromJob && record.status === 'running' && record.steps.length === 0) record.status = 'queued';
    return redactRecord(record, redactor(await this.secrets()));
  }

  /**
   * Whether the run history holds the run as it stands — so a reader may take it from there (a
   * few columns of it, even) instead of restoring it: true when nothing happened to the run since its
   * last checkpoint, which always follows a history write, or its live state is gone; false while a
   * segment is under way, and without a history store. A run nobody knows reads true: the history
   * then answers that it has none either.
   *
   * @example if (await engine.historyIsCurrent(runId)) overview = await store.getRunOverview(runId);
   */
  async historyIsCurrent(runId: string): Promise<boolean> {
    return Boolean(this.options.history) && (await this.state.isAtCheckpoint(runId));
  }

  /**
   * Resolves when the run is final or waits for a person (an approval; not
   * with `untilFinal`), or with its current record after `timeoutMs`. Delays
   * and retries are waited through: they end by themselves.
   */
  async waitForRun(
    runId: string,
    timeoutMs: number,
    options: {
      untilFinal?: boolean;
      /** Only settle once this holds (a command took effect). */
      changed?: (r: RunRecord) => boolean;
      /** Settle on this condition instead (e.g. `r => r.status === 'waiting'`). */
      settle?: (r: RunRecord) => boolean;
    } = {},
  ): Promise<RunRecord | undefined> {
    const settled = (r: RunRecord | undefined) =>
      r !== undefined &&
      (options.changed?.(r) ?? true) &&
      (options.settle
        ? options.settle(r)
        : FINAL_RUN_STATUSES.has(r.status) || (!options.untilFinal && r.status === 'waiting' && r.waits.some((w) => w.kind === 'approval')));
    return new Promise((resolve) => {
      let done = false;
      let reading = false;
      let again = false;
      // One read at a time: reading a big run takes a while, and overlapping reads would starve the worker.
      const finish = async () => {
        if (done) return;
        if (reading) {
          again = true;
          return;
        }
        reading = true;
        try {
          const record = await this.getRun(runId);
          if (settled(record) && !done) {
            done = true;
            cleanup();
            resolve(record);
          }
        } finally {
          reading = false;
        }
        if (again && !done) {
          again = false;
          void finish();
        }
      };
      const unsubscribe = this.events.subscribe((event) => {
        if (event.runId === runId && (event.type === 'run.finished' || event.type === 'run.waiting')) void finish();
      });
      // Events are for watching, not a guarantee: poll as well, gently.
      const poll = setInterval(() => void finish(), 1000);
      const timer = setTimeout(async () => {
        if (done) return;
        done = true;
        cleanup();
        resolve(await this.getRun(runId));
      }, timeoutMs);
      const cleanup = () => {
        unsubscribe();
        clearInterval(poll);
        clearTimeout(timer);
      };
      void finish();
    });
  }

  private async command(runId: string, command: RunCommand): Promise<void> {
    await this.state.pushCommand(runId, command);
    await this.driver.enqueue({ runId }, { wake: true });
  }

  /** Cancels a queued, running or waiting run. */
  async cancel(runId: string): Promise<RunRecord | undefined> {
    const run = await this.getRun(runId);
    if (!run || FINAL_RUN_STATUSES.has(run.status)) return run;
    await this.command(runId, { type: 'cancel', at: new Date().toISOString() });
    return this.waitForRun(runId, 10_000, { untilFinal: true });
  }

  /** Records a reviewer's decision on a waiting approval; only a reviewer the approval names may decide it (403). */
  async decide(runId: string, nodeId: string, decision: { decision: 'approved' | 'rejected'; by: string; comment?: string }): Promise<RunRecord | undefined> {
    const run = await this.getRun(runId);
    if (!run) return undefined;
    if (!run.waits.some((w) => w.kind === 'approval' && w.nodeId === nodeId)) {
      throw Object.assign(new Error(`Run ${runId} is not waiting for an approval at node "${nodeId}"`), { status: 409, code: 'not_waiting' });
    }
    const refusal = reviewerRefusal(run, nodeId, decision.by);
    if (refusal) throw refusal;
    await this.command(runId, { type: 'decide', nodeId, ...decision, at: new Date().toISOString() });
    const before = run.steps.length;
    return this.waitForRun(runId, 10_000, { changed: (r) => r.steps.length > before });
  }

  /**
   * Continues an incomplete run from the node(s) where it broke — on a newer
   * scenario version when given (the usual fix), as long as those nodes
   * still exist in it.
   */
  async resume(runId: string, options: { version?: number } = {}): Promise<RunRecord | undefined> {
    const run = await this.getRun(runId);
    if (!run) return undefined;
    if (run.status !== 'incomplete') {
      throw Object.assign(new Error(`Only an incomplete run can be resumed; run ${runId} is ${run.status}`), { status: 409, code: 'not_incomplete' });
    }
    if (options.version !== undefined && options.version !== run.version) {
      const { compiled } = await this.load(run.scenarioId, options.version);
      const missing = run.steps.filter((s) => s.status === 'broken' && !compiled.nodes.has(s.nodeId)).map((s) => s.nodeId);
      if (missing.length) {
        throw Object.assign(new Error(`Version ${options.version} has no node ${missing.join(', ')} to resume from`), { status: 409, code: 'resume_node_missing' });
      }
    }
    await this.command(runId, { type: 'resume', version: options.version, at: new Date().toISOString() });
    const before = run.steps.length;
    return this.waitForRun(runId, 10_000, { changed: (r) => r.steps.length > before });
  }

  /** Starts a new run with the same scenario version and input, of a run that has finished (409 otherwise). */
  async retry(runId: string, options: { version?: number } = {}): Promise<string> {
    const run = await this.getRun(runId);
    if (!run) throw Object.assign(new Error(`Run ${runId} not found`), { status: 404, code: 'not_found' });
    // A retry is a fresh copy of a run that has ended; of a live one it would run two copies side by side.
    if (!FINAL_RUN_STATUSES.has(run.status)) {
      throw new RunRefusal(
        409,
        'not_finished',
        `Cannot retry the run: run ${run.id} is ${run.status}; only a finished run (succeeded, failed, incomplete or cancelled) can be retried — cancel it first to start it over`,
      );
    }
    return this.startRun({ scenarioId: run.scenarioId, version: options.version ?? run.version, input: run.input, trigger: 'retry', parentRunId: runId });
  }

  async queueDepth(): Promise<number> {
    return this.driver.depth();
  }

  /** Stops taking work, lets active segments finish, closes connections. */
  async close(): Promise<void> {
    await this.driver.close();
    await this.state.close();
    await this.events.close();
    this.http.close();
  }
}

/** A scenario source over documents held in memory, each at version 1 (the CLI, tests). */
export class MemoryScenarioSource implements ScenarioSource {
  private readonly scenarios = new Map<string, Scenario>();

  constructor(scenarios: Scenario[] = []) {
    for (const s of scenarios) this.put(s);
  }

  put(scenario: Scenario, version = 1): void {
    this.scenarios.set(`${scenario.id}@${version}`, scenario);
  }

  async get(scenarioId: string, version: number): Promise<Scenario | undefined> {
    return this.scenarios.get(`${scenarioId}@${version}`);
  }
}

/**
 * Runs a scenario document once, in process, and resolves with the final
 * record (or the waiting one, if it parks on an approval).
 *
 * @example
 * const record = await runScenarioOnce(JSON.parse(text), { userId: 'u1' }, { registry });
 * record.status // → 'succeeded'
 */
export async function runScenarioOnce(
  scenario: Scenario,
  input: unknown,
  options: { registry: NodeRegistry; secrets?: Record<string, string>; env?: NodeJS.ProcessEnv; timeoutMs?: number; allowHosts?: string[]; dataDirs?: string[] },
): Promise<RunRecord> {
  const engine = await Engine.create({
    registry: options.registry,
    scenarios: new MemoryScenarioSource([scenario]),
    secrets: { all: async () => options.secrets ?? {} },
    env: options.env,
    allowHosts: options.allowHosts,
    dataDirs: options.dataDirs,
  });
  try {
    await engine.startWorker();
    const runId = await engine.startRun({ scenarioId: scenario.id, version: 1, input });
    const record = await engine.waitForRun(runId, options.timeoutMs ?? 600_000);
    return record!;
  } finally {
    await engine.close();
  }
}
