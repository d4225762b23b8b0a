/**
 * `switchyard serve`: wires the store, the secret vault, the engine, the
 * schedules and the HTTP server into one service. Embedded mode (no Redis)
 * runs the worker in this process too; BullMQ mode leaves runs to
 * `switchyard worker` processes unless asked to run one here as well.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { createRegistry } from '../../nodes';
import type { NodeRegistry } from '../../nodes/registry';
import { Engine } from '../runtime/engine';
import { validateScenario } from '../scenario/validate';
import { createScheduler, type Scheduler } from '../schedule';
import { BullmqScheduler } from '../schedule/bullmq-scheduler';
import { loadSecretKey } from '../secrets/key';
import { SecretVault } from '../secrets/vault';
import { openStore, retentionFromEnv, startPruner, type Store } from '../store';
import { createServer, type SwitchyardServer } from './create-server';
import { warnAboutVarOverrides } from './var-override-warnings';

export interface ServiceOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default all interfaces. */
  host?: string;
  /** BullMQ on this Redis; in-process queue without it. */
  redisUrl?: string;
  /** PostgreSQL; PGlite in `<dataDir>/db` without it. */
  databaseUrl?: string;
  /** Embedded data (database, generated secret key); default `./.switchyard`. */
  dataDir?: string;
  /** Serve the editor build (default true). */
  serveEditor?: boolean;
  /** Where the editor build is; default `dist/editor`. */
  editorDir?: string;
  /** Run the worker in this process; default true in embedded mode, false with Redis. */
  worker?: boolean;
  concurrency?: number;
  /** Scenario files loaded into an empty store on first start; default `examples`, false for none. */
  examplesDir?: string | false;
  queuePrefix?: string;
  apiToken?: string;
  registry?: NodeRegistry;
  logger?: pino.Logger;
  /** Where `SWITCHYARD_VAR_<NAME>` overrides come from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

export interface RunningService {
  port: number;
  url: string;
  store: Store;
  engine: Engine;
  scheduler: Scheduler;
  server: SwitchyardServer;
  /** Stops taking requests and ticks, lets active work finish, closes connections. */
  close(): Promise<void>;
}

async function scenarioFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string, depth: number) => {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory() && depth < 2 && entry.name !== 'node_modules') await walk(full, depth + 1);
      else if (entry.isFile() && entry.name.endsWith('.json')) found.push(full);
    }
  };
  await walk(path.resolve(dir), 0);
  return found;
}

/**
 * Saves every v1 scenario found in `dir` as a draft, when the store has no scenario yet.
 * Not published: a loaded example must not start answering webhooks or firing schedules by itself.
 * @example await loadExamples(store, registry, 'examples', logger); // ['user-segmentation', …]
 */
export async function loadExamples(store: Store, registry: NodeRegistry, dir: string, logger?: pino.Logger): Promise<string[]> {
  if ((await store.listScenarios()).length > 0) return [];
  const loaded: string[] = [];
  for (const file of await scenarioFiles(dir)) {
    let document: unknown;
    try {
      document = JSON.parse(await readFile(file, 'utf8'));
    } catch {
      continue;
    }
    if (!document || typeof document !== 'object' || !('format' in document)) continue; // sample inputs, fixtures
    const result = validateScenario(document, registry);
    if (!result.scenario) {
      logger?.warn({ file, problems: result.problems.slice(0, 5) }, 'example is not a readable scenario; skipped');
      continue;
    }
    if (await store.getScenario(result.scenario.id)) continue;
    await store.saveScenario(result.scenario);
    loaded.push(result.scenario.id);
  }
  if (loaded.length > 0) logger?.info({ scenarios: loaded }, 'loaded example scenarios into the empty store');
  return loaded;
}

/**
 * @example
 * const service = await startService({ port: 3000 });
 * console.log(`Switchyard on ${service.url}`);
 * process.once('SIGTERM', () => service.close());
 */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const logger = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const dataDir = path.resolve(options.dataDir ?? '.switchyard');
  const registry = options.registry ?? (await createRegistry(process.env.SWITCHYARD_NODES));
  const store = await openStore({ databaseUrl: options.databaseUrl, dataDir });
  const closers: Array<() => Promise<void> | void> = [() => store.close()];
  const closeAll = async () => {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (error) {
        logger.error({ err: error }, 'shutdown step failed');
      }
    }
  };
  try {
    const secretKey = await loadSecretKey({ keyText: process.env.SWITCHYARD_SECRET_KEY, dataDir });
    if (secretKey.source === 'generated') logger.info({ file: secretKey.file }, 'generated a secret key for stored secrets');
    if (secretKey.source !== 'env' && (options.databaseUrl || options.redisUrl)) {
      logger.warn({ file: secretKey.file }, 'SWITCHYARD_SECRET_KEY is not set: every server and worker must share this key file to read secrets');
    }
    const vault = new SecretVault(store, secretKey.key);

    const engine = await Engine.create({
      registry,
      scenarios: store,
      history: store,
      secrets: vault,
      redisUrl: options.redisUrl,
      queuePrefix: options.queuePrefix,
      logger,
      env: options.env,
      // Embedded mode keeps parked runs (delays, approvals, incomplete) in the store across restarts.
      parking: options.redisUrl ? undefined : store,
    });
    closers.push(() => engine.close());
    if (options.worker ?? !options.redisUrl) await engine.startWorker({ concurrency: options.concurrency });

    if (options.examplesDir !== false) await loadExamples(store, registry, options.examplesDir ?? 'examples', logger);
    await warnAboutVarOverrides(store, options.env ?? process.env, logger);

    const scheduler = createScheduler({ engine, redisUrl: options.redisUrl, queuePrefix: options.queuePrefix, logger });
    closers.push(() => scheduler.close());
    await scheduler.sync(await store.listPublished());

    const server = await createServer({
      store,
      engine,
      registry,
      vault,
      scheduler,
      extraQueues: scheduler instanceof BullmqScheduler ? [scheduler.queue] : [],
      logger,
      env: options.env,
      apiToken: options.apiToken,
      editorDir: options.serveEditor === false ? false : (options.editorDir ?? 'dist/editor'),
    });
    const port = await server.listen(options.port, options.host);
    closers.push(() => server.close());
    closers.push(startPruner(store, { ...retentionFromEnv(), onError: (err) => logger.warn({ err }, 'pruning run history failed'), onPruned: (count) => logger.info({ count }, 'pruned old runs') }));

    const host = !options.host || options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
    logger.info({ port, store: store.kind, queue: engine.mode, scheduler: scheduler.kind }, 'switchyard serving');
    let closing: Promise<void> | undefined;
    return {
      port,
      url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      store,
      engine,
      scheduler,
      server,
      close: () => (closing ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
