/**
 * What the benchmarks read from the operating system and from Redis: CPU
 * time and resident memory of processes (from /proc, so children, Redis and
 * PostgreSQL backends count the same way), and Redis command counts and
 * memory from INFO.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/**
 * CPU time (user + system, ms) a process has used so far; 0 once it is gone.
 *
 * @example cpuMs(process.pid) // → 1234
 */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces; the fields after it are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * Resident memory (MB) of a process now; 0 once it is gone.
 *
 * @example rssMb(process.pid) // → 84.2
 */
export function rssMb(pid: number): number {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Proportional memory (MB) of a process now: its private pages plus its share of pages it shares.
 * Summed over a group of processes (PostgreSQL's backends sharing `shared_buffers`), PSS counts
 * shared memory once, where summed RSS counts it once per process that touched it. 0 once it is gone.
 *
 * @example pssMb(process.pid) // → 80.9
 */
export function pssMb(pid: number): number {
  try {
    const match = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB/m);
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * The pid and every live descendant of it (PostgreSQL forks a backend per
 * connection; the node launcher sits between us and servers).
 *
 * @example processTree(postgresPid) // → [4120, 4121, 4125, …]
 */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    found.push(pid);
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(root);
  return found;
}

/** A named group of processes whose CPU and memory are measured together. */
export interface ProcessGroup {
  name: string;
  /** Current pids (re-read, since PostgreSQL backends come and go). */
  pids(): number[];
}

/**
 * Tracks CPU used and peak RSS of process groups between `start()` and `stop()`,
 * sampling memory every `intervalMs`. Backends that exit in between take
 * their CPU with them, so long-lived connections are what it sees best.
 *
 * @example
 * const probe = new ResourceProbe([{ name: 'serve', pids: () => [pid] }]);
 * probe.start(); …; const { cpuMs, peakRssMb } = probe.stop();
 */
export class ResourceProbe {
  private cpuAtStart = new Map<number, number>();
  private peaks = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly groups: ProcessGroup[], private readonly intervalMs = 250) {}

  private sample(): void {
    for (const group of this.groups) {
      const rss = group.pids().reduce((sum, pid) => sum + rssMb(pid), 0);
      this.peaks.set(group.name, Math.max(this.peaks.get(group.name) ?? 0, rss));
    }
  }

  start(): void {
    this.cpuAtStart = new Map(this.groups.flatMap((g) => g.pids()).map((pid) => [pid, cpuMs(pid)]));
    this.peaks = new Map();
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  /** CPU ms used per group since start (new processes count from 0) and peak RSS MB per group. */
  stop(): { cpuMs: Record<string, number>; peakRssMb: Record<string, number> } {
    clearInterval(this.timer);
    this.sample();
    const cpu: Record<string, number> = {};
    for (const group of this.groups) {
      cpu[group.name] = group.pids().reduce((sum, pid) => sum + Math.max(0, cpuMs(pid) - (this.cpuAtStart.get(pid) ?? 0)), 0);
    }
    return { cpuMs: cpu, peakRssMb: Object.fromEntries(this.peaks) };
  }
}

/**
 * Commands Redis has executed so far, in total and per command (INFO
 * commandstats; commands run inside BullMQ's Lua scripts count too, as they are
 * real work for Redis).
 *
 * @example const before = await redisCommands(redis); … (await redisCommands(redis)).total - before.total
 */
export async function redisCommands(redis: Redis): Promise<{ total: number; byCommand: Record<string, number> }> {
  const text = await redis.info('commandstats');
  const byCommand: Record<string, number> = {};
  let total = 0;
  for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (match[1] === 'info') continue; // our own probes
    byCommand[match[1]] = Number(match[2]);
    total += Number(match[2]);
  }
  return { total, byCommand };
}

/**
 * Per-command difference of two `redisCommands` readings, largest first.
 *
 * @example commandDelta(before, after) // → { evalsha: 1200, rpush: 800, … }
 */
export function commandDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const delta = Object.entries(after)
    .map(([name, calls]) => [name, calls - (before[name] ?? 0)] as const)
    .filter(([, calls]) => calls > 0)
    .sort((a, b) => b[1] - a[1]);
  return Object.fromEntries(delta);
}

/**
 * Redis `used_memory` in MB.
 *
 * @example await redisMemoryMb(redis) // → 1.2
 */
export async function redisMemoryMb(redis: Redis): Promise<number> {
  const match = (await redis.info('memory')).match(/^used_memory:(\d+)/m);
  return match ? Number(match[1]) / 1024 / 1024 : NaN;
}

/**
 * The pid of the Redis server (INFO server), to measure its CPU and memory like any process.
 *
 * @example await redisPid(redis) // → 812
 */
export async function redisPid(redis: Redis): Promise<number> {
  return Number((await redis.info('server')).match(/^process_id:(\d+)/m)?.[1]);
}

/**
 * The PostgreSQL postmaster's pid, from `postmaster.pid` in its data folder.
 *
 * @example postmasterPid('/tmp/switchyard-pg-x/data') // → 4120
 */
export function postmasterPid(dataDir: string): number {
  return Number(readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
}
