/**
 * Run state in Redis (BullMQ mode): `<prefix>:run:<id>` holds the snapshot,
 * `<prefix>:run:<id>:log` the events since, `<prefix>:run:<id>:inbox` the
 * commands. One script call per durable step (`beginStep`); a checkpoint is one MULTI.
 */
import type { Redis } from 'ioredis';
import type { RunMachineEvent } from '../dataflow';
import { FINISHED_SNAPSHOT, type PersistedRun, type RunCommand, type RunStateStore } from '../run-state-store';
import { redisConnection } from './bullmq-queue';

export interface RedisStateOptions {
  redisUrl: string;
  prefix?: string;
  /** How long a final run's state stays readable in Redis (the store keeps history). Default one day. */
  retainFinalMs?: number;
  /**
   * A history store keeps final runs: a final checkpoint then leaves only {@link FINISHED}, not the
   * snapshot. Readers find the run in the history, which is written before the final checkpoint;
   * the marker still tells a job delivered again that its run is over.
   */
  finishedMarker?: boolean;
}

/**
 * {@link FINISHED_SNAPSHOT} as stored. Writing the whole snapshot (every step's input and output,
 * ≈ 25 KB for the seed scenario) was the worker's largest socket write, for a state nobody read
 * (docs/performance.md).
 */
export const FINISHED = JSON.stringify(FINISHED_SNAPSHOT);

/**
 * KEYS: log, inbox. ARGV: n, n pending events, the started event. One round
 * trip per step with outside effects instead of three (LLEN, RPUSH, RPUSH):
 * round trips were the worker's top cost in the benchmark (docs/performance.md).
 */
const BEGIN_STEP = `
local n = tonumber(ARGV[1])
if n > 0 then redis.call('RPUSH', KEYS[1], unpack(ARGV, 2, n + 1)) end
if redis.call('LLEN', KEYS[2]) > 0 then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[n + 2])
return 1
`;

/** The connection, with `beginStep` defined on it as a script command. */
type StateConnection = Redis & { beginStep(...args: string[]): Promise<number> };

export class RedisRunStateStore implements RunStateStore {
  private readonly redis: StateConnection;
  private readonly prefix: string;
  private readonly retainMs: number;
  private readonly finishedMarker: boolean;

  constructor(options: RedisStateOptions) {
    // The runs a worker takes at once share this connection: their commands of one tick share a write.
    const redis = redisConnection(options.redisUrl, { autoPipeline: true });
    // EVALSHA: the script's text is sent (and hashed by Redis) once per connection, not per step.
    redis.defineCommand('beginStep', { numberOfKeys: 2, lua: BEGIN_STEP });
    this.redis = redis as StateConnection;
    this.prefix = `${options.prefix ?? '{switchyard}'}:run:`;
    this.retainMs = options.retainFinalMs ?? 86_400_000;
    this.finishedMarker = options.finishedMarker ?? false;
  }

  private key(runId: string, suffix = ''): string {
    return `${this.prefix}${runId}${suffix}`;
  }

  /**
   * The snapshot, the log and whether commands wait, in one transaction: most segments find no
   * command, and then need no second round trip to take them (docs/performance.md). A run with
   * nothing stored comes back empty, not undefined, so that it still says whether commands wait.
   */
  async load(runId: string): Promise<PersistedRun> {
    const tx = this.redis.multi().get(this.key(runId)).lrange(this.key(runId, ':log'), 0, -1).llen(this.key(runId, ':inbox'));
    const [[, snapshot], [, log], [, waiting]] = (await tx.exec()) as [[unknown, string | null], [unknown, string[]], [unknown, number]];
    return { snapshot: snapshot ? JSON.parse(snapshot) : undefined, events: log.map((e) => JSON.parse(e)), commandsWaiting: waiting > 0 };
  }

  async append(runId: string, events: RunMachineEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.redis.rpush(this.key(runId, ':log'), ...events.map((e) => JSON.stringify(e)));
  }

  async beginStep(runId: string, pending: RunMachineEvent[], started: RunMachineEvent): Promise<boolean> {
    const written = await this.redis.beginStep(
      this.key(runId, ':log'),
      this.key(runId, ':inbox'),
      String(pending.length),
      ...pending.map((e) => JSON.stringify(e)),
      JSON.stringify(started),
    );
    return written === 1;
  }

  async checkpoint(runId: string, snapshot: () => object, final: boolean): Promise<void> {
    const tx = this.redis.multi();
    if (final) tx.set(this.key(runId), this.finishedMarker ? FINISHED : JSON.stringify(snapshot()), 'PX', this.retainMs);
    else tx.set(this.key(runId), JSON.stringify(snapshot()));
    tx.del(this.key(runId, ':log'));
    await tx.exec();
  }

  async isAtCheckpoint(runId: string): Promise<boolean> {
    // A checkpoint deletes the log in the same MULTI that writes the snapshot.
    return (await this.redis.llen(this.key(runId, ':log'))) === 0;
  }

  async pushCommand(runId: string, command: RunCommand): Promise<void> {
    await this.redis.rpush(this.key(runId, ':inbox'), JSON.stringify(command));
  }

  async takeCommands(runId: string): Promise<RunCommand[]> {
    const [[, items]] = (await this.redis.multi().lrange(this.key(runId, ':inbox'), 0, -1).del(this.key(runId, ':inbox')).exec()) as [[unknown, string[]]];
    return items.map((i) => JSON.parse(i));
  }

  async hasCommands(runId: string): Promise<boolean> {
    return (await this.redis.llen(this.key(runId, ':inbox'))) > 0;
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
