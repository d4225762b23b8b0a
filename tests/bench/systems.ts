/**
 * The systems the User Segmentation benchmark compares, each started as real
 * processes on this machine and torn down after its row:
 *
 * - `plain` — `plain-server.ts`, the hand-written function behind a bare webhook;
 * - `embedded` — `switchyard serve` with a temporary data folder (PGlite, in-process queue);
 * - `queue+N` — `switchyard serve` (no worker) plus N `switchyard worker`
 *   processes on a private Redis and a private PostgreSQL.
 *
 * The scenario is published and its secrets stored through the HTTP API,
 * as a user would do it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { RunningServices } from '../../examples/services';
import { startPostgres, type TestPostgres } from '../support/postgres-server';
import { freePort, startRedis, type TestRedis } from '../support/redis-server';
import { postmasterPid, processTree, redisPid, type ProcessGroup } from './probe';

export const SEGMENT_SECRET = 'bench-segment-secret';
const ROOT = path.resolve(import.meta.dirname, '../..');

export interface SystemOptions {
  /** Write a V8 CPU profile of every Switchyard process into this folder (`node --cpu-prof`). */
  cpuProfDir?: string;
  /** Runs each worker (or the embedded service) takes at once. Default: the CLI's (16 a worker, 32 embedded). */
  concurrency?: number;
}

export interface SystemUnderTest {
  name: string;
  hookUrl: string;
  /** Processes measured for CPU and memory, one group per role. */
  groups: ProcessGroup[];
  /** Set for the queue rows. */
  redis?: Redis;
  redisServer?: TestRedis;
  /** Starts more `switchyard worker` processes (the soak's queued-runs check starts with none). */
  addWorkers(count: number): Promise<void>;
  close(): Promise<void>;
}

interface Spawned {
  child: ChildProcess;
  output(): string;
}

function spawnNode(args: string[], env: NodeJS.ProcessEnv, ready: RegExp, cpuProfDir?: string): Promise<Spawned> {
  const prof = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  const child = spawn(process.execPath, [...prof, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const onData = (d: Buffer) => (output = (output + d.toString()).slice(-20_000));
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not become ready:\n${output}`)), 60_000);
    const check = () => {
      if (!ready.test(output)) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      resolve({ child, output: () => output });
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

async function stop(spawned: Spawned | undefined): Promise<void> {
  const child = spawned?.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM'); // graceful, so --cpu-prof writes its profile
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** The stand-ins' addresses as the example scenario's `SWITCHYARD_VAR_*` overrides. */
function standInEnv(services: RunningServices): NodeJS.ProcessEnv {
  return {
    SWITCHYARD_ALLOW_HOSTS: '127.0.0.1',
    SWITCHYARD_VAR_ML_URL: services.urls.ml,
    SWITCHYARD_VAR_CONTENT_URL: services.urls.content,
    SWITCHYARD_VAR_BRAZE_URL: services.urls.braze,
    SWITCHYARD_VAR_PUSH_URL: services.urls.push,
    SWITCHYARD_VAR_SMTP_HOST: '127.0.0.1',
  };
}

/**
 * @example const plain = await startPlain(services); … await plain.close();
 */
export async function startPlain(services: RunningServices, options: SystemOptions = {}): Promise<SystemUnderTest> {
  const targets = {
    mlUrl: services.urls.ml,
    contentUrl: services.urls.content,
    brazeUrl: services.urls.braze,
    pushUrl: services.urls.push,
    smtpHost: '127.0.0.1',
    smtpPort: services.smtp.port,
    brazeApiKey: services.brazeApiKey,
    pushApiKey: services.pushApiKey,
    segmentSecret: SEGMENT_SECRET,
  };
  const proc = await spawnNode(['--import', 'tsx', 'tests/bench/plain-server.ts', JSON.stringify(targets)], {}, /listening \d+/, options.cpuProfDir);
  const port = Number(proc.output().match(/listening (\d+)/)![1]);
  return {
    name: 'plain',
    hookUrl: `http://127.0.0.1:${port}/hooks/user-segmentation`,
    groups: [{ name: 'plain', pids: () => [proc.child.pid!] }],
    addWorkers: async () => {},
    close: () => stop(proc),
  };
}

async function api(base: string, method: string, route: string, body?: unknown): Promise<unknown> {
  const res = await fetch(base + route, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${route} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** examples/user-segmentation.json with `email.send` pointed at the SMTP stand-in's port. */
function benchScenario(services: RunningServices): Record<string, unknown> {
  const scenario = JSON.parse(readFileSync(path.join(ROOT, 'examples/user-segmentation.json'), 'utf8'));
  for (const node of scenario.nodes) if (node.type === 'email.send') node.config.port = services.smtp.port;
  return scenario;
}

/**
 * Starts Switchyard: embedded when `workers` is undefined, else BullMQ with
 * `serve` plus that many `worker` processes.
 *
 * @example const queue = await startSwitchyard(services, { workers: 2 });
 */
export async function startSwitchyard(services: RunningServices, mode: { workers?: number; name?: string }, options: SystemOptions = {}): Promise<SystemUnderTest> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-bench-'));
  const queued = mode.workers !== undefined;
  let redisServer: TestRedis | undefined;
  let pg: TestPostgres | undefined;
  let redis: Redis | undefined;
  const spawned: Spawned[] = [];
  const closeAll = async () => {
    await Promise.all(spawned.map(stop));
    redis?.disconnect();
    await redisServer?.close();
    await pg?.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...standInEnv(services),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_SECRET_KEY: randomBytes(32).toString('hex'),
      SWITCHYARD_HOOK_RATE_LIMIT: '1000000000',
      SWITCHYARD_API_TOKEN: '',
      ...(options.concurrency ? { SWITCHYARD_CONCURRENCY: String(options.concurrency) } : {}),
    };
    if (queued) {
      [redisServer, pg] = await Promise.all([startRedis(), startPostgres()]);
      redis = new Redis(redisServer.url);
      Object.assign(env, { REDIS_URL: redisServer.url, DATABASE_URL: pg.url, SWITCHYARD_SERVE_WORKER: '0', SWITCHYARD_QUEUE_PREFIX: '{bench}' });
    }
    spawned.push(await spawnNode(['bin/switchyard.js', 'serve'], env, /switchyard serving/, options.cpuProfDir));
    const base = `http://127.0.0.1:${port}`;
    const secrets = { SEGMENT_SECRET, BRAZE_API_KEY: services.brazeApiKey, PUSH_API_KEY: services.pushApiKey };
    for (const [name, value] of Object.entries(secrets)) await api(base, 'PUT', `/api/secrets/${name}`, { value });
    await api(base, 'PUT', '/api/scenarios/user-segmentation', benchScenario(services));
    await api(base, 'POST', '/api/scenarios/user-segmentation/publish', {});

    const workers: Spawned[] = [];
    const addWorkers = async (count: number) => {
      const started = await Promise.all(Array.from({ length: count }, () => spawnNode(['bin/switchyard.js', 'worker'], env, /worker is taking runs/, options.cpuProfDir)));
      workers.push(...started);
      spawned.push(...started);
    };
    if (queued) await addWorkers(mode.workers!);
    const redisProcess = redis ? await redisPid(redis) : undefined;
    const groups: ProcessGroup[] = [
      { name: 'serve', pids: () => [spawned[0].child.pid!] },
      ...(queued ? [{ name: 'workers', pids: () => workers.map((w) => w.child.pid!) }] : []),
      ...(redisProcess ? [{ name: 'redis', pids: () => [redisProcess] }] : []),
      ...(pg ? [{ name: 'postgres', pids: () => processTree(postmasterPid(path.join(pg!.dir, 'data'))) }] : []),
    ];
    return {
      name: mode.name ?? (queued ? `queue+${mode.workers}` : 'embedded'),
      hookUrl: `${base}/hooks/user-segmentation`,
      groups,
      redis,
      redisServer,
      addWorkers,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
