/**
 * Starts a private PostgreSQL server (initdb into a temporary folder, then
 * `postgres` on a free port bound to 127.0.0.1), so store tests run against a
 * real server without touching the machine's own PostgreSQL on 5432.
 * PostgreSQL refuses to run as root, so under root the server runs as the
 * `postgres` system user (spawned with its uid and gid).
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './redis-server';

export interface TestPostgres {
  /** `postgres://…@127.0.0.1:<port>/postgres` */
  url: string;
  port: number;
  dir: string;
  /** Stops the server (fast shutdown), keeping its data so it can be started again. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data folder. */
  restart(): Promise<void>;
  /** Stops the server and removes its folder. */
  close(): Promise<void>;
}

/** Finds a PostgreSQL binary on PATH or under /usr/lib/postgresql/<version>/bin (newest first). */
function findBinary(name: string): string {
  const onPath = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return onPath;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const candidate = path.join(root, version, 'bin', name);
      if (existsSync(candidate)) return candidate;
    }
  }
  throw new Error(`${name} not found on PATH or under /usr/lib/postgresql/*/bin; install PostgreSQL to run these tests`);
}

/**
 * Under root, the postgres user's uid and gid to spawn the server binaries with (directly, not
 * through `runuser`: a wrapper does not pass SIGINT on, and killing it left the server running);
 * otherwise nothing, and they run as ourselves.
 */
function serverUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const entry = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const uid = Number(entry.stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || entry.status !== 0) throw new Error('Running as root but there is no "postgres" user to run the server as');
  return { uid, gid };
}

async function waitForServer(url: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`postgres exited with code ${child.exitCode}:\n${log()}`);
    const client = new pg.Client({ connectionString: url });
    // A probe that loses its connection after connect() settled reports it as an 'error' event; without
    // a listener that is an uncaught exception in the test process. The failure is handled below.
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return;
    } catch (error) {
      lastError = error;
      await client.end().catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`postgres did not accept connections within ${timeoutMs} ms: ${String(lastError)}\n${log()}`);
}

/**
 * @example
 * const server = await startPostgres();
 * const store = await openStore({ databaseUrl: server.url });
 * // …
 * await server.close();
 */
export async function startPostgres(): Promise<TestPostgres> {
  const initdb = findBinary('initdb');
  const postgres = findBinary('postgres');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-pg-'));
  const dataDir = path.join(dir, 'data');
  const user = serverUser();
  if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!);

  // Asynchronously: initdb takes seconds on a busy machine, and the test process's timers and its
  // answers to the test runner keep running meanwhile.
  try {
    await promisify(execFile)(initdb, ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], { encoding: 'utf8', ...user, cwd: dir });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    const { code, stderr, stdout } = error as { code?: number; stderr?: string; stdout?: string };
    throw new Error(`initdb failed (${code}): ${stderr || stdout || String(error)}`, { cause: error });
  }

  const port = await freePort();
  const args = [
    '-D', dataDir, '-p', String(port), '-k', dir,
    '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
    '-c', 'max_connections=50', '-c', 'shared_buffers=16MB',
  ];
  let child: ChildProcess;
  let output = '';
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const launch = async () => {
    child = spawn(postgres, args, { stdio: ['ignore', 'ignore', 'pipe'], ...user, cwd: dir });
    child.stderr!.on('data', (chunk) => {
      output = (output + chunk.toString()).slice(-4000);
    });
    await waitForServer(url, child, () => output, 30_000);
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    // SIGINT is PostgreSQL's "fast shutdown": disconnect clients, stop at once.
    child.kill('SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  try {
    await launch();
  } catch (error) {
    child!.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    port,
    dir,
    stop,
    restart: launch,
    close: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
