/**
 * Turns a schedule tick into a run, applying the overlap policy:
 * `allow` starts every tick; `skip` drops a tick while the previous
 * scheduled run is still in flight (queued, running or waiting);
 * `buffer` keeps such ticks and starts them one after another as runs finish.
 */
import type pino from 'pino';
import { FINAL_RUN_STATUSES } from '../runtime/types';
import type { ServiceEngine } from '../server/engine-port';
import { previousFireTime } from './next-fire-times';
import type { ScheduleConfig } from './schedule-config';

/** Ticks kept per scenario under `buffer`; older ones beyond this are dropped with a warning. */
const MAX_BUFFERED_TICKS = 100;

export interface ScheduledScenario {
  scenarioId: string;
  version: number;
  schedule: ScheduleConfig;
}

export type TickOutcome = { started: string } | { skipped: string } | { buffered: number };

/** The run id of a tick: starting the same tick twice (a restart, a redelivery) makes one run. */
export function tickRunId(scenarioId: string, tickMs: number): string {
  return `sched-${tickMs}-${scenarioId}`;
}

export class ScheduleRunner {
  private readonly inFlight = new Map<string, string>();
  private readonly buffers = new Map<string, Array<{ entry: ScheduledScenario; tickMs: number }>>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly engine: Pick<ServiceEngine, 'startRun' | 'getRun' | 'events'>,
    private readonly logger?: pino.Logger,
  ) {
    this.unsubscribe = engine.events.subscribe((event) => {
      if (event.type !== 'run.finished') return;
      if (this.inFlight.get(event.scenarioId) !== event.runId) return;
      this.inFlight.delete(event.scenarioId);
      void this.drain(event.scenarioId);
    });
  }

  /**
   * @example await runner.fire({ scenarioId: 'quarterly-review', version: 3, schedule }, Date.now());
   */
  async fire(entry: ScheduledScenario, tickMs: number): Promise<TickOutcome> {
    const { overlap } = entry.schedule;
    if (overlap !== 'allow' && (await this.busy(entry, tickMs))) {
      if (overlap === 'skip') {
        this.logger?.info({ scenarioId: entry.scenarioId, tick: new Date(tickMs).toISOString() }, 'schedule tick skipped: previous run still in flight');
        return { skipped: this.inFlight.get(entry.scenarioId)! };
      }
      const queue = this.buffers.get(entry.scenarioId) ?? [];
      queue.push({ entry, tickMs });
      if (queue.length > MAX_BUFFERED_TICKS) {
        queue.shift();
        this.logger?.warn({ scenarioId: entry.scenarioId }, `schedule buffer full: dropped the oldest tick (max ${MAX_BUFFERED_TICKS})`);
      }
      this.buffers.set(entry.scenarioId, queue);
      return { buffered: queue.length };
    }
    return { started: await this.start(entry, tickMs) };
  }

  /** Forgets buffered ticks of a scenario (it was unpublished or deleted). */
  forget(scenarioId: string): void {
    this.buffers.delete(scenarioId);
  }

  /** Idempotent: the scheduler that owns the runner closes it. */
  close(): void {
    this.unsubscribe();
    this.buffers.clear();
  }

  private async start(entry: ScheduledScenario, tickMs: number): Promise<string> {
    const runId = await this.engine.startRun({
      scenarioId: entry.scenarioId,
      version: entry.version,
      input: entry.schedule.input ?? { firedAt: new Date(tickMs).toISOString() },
      trigger: 'schedule',
      runId: tickRunId(entry.scenarioId, tickMs),
    });
    this.inFlight.set(entry.scenarioId, runId);
    return runId;
  }

  /**
   * In flight: the run this process started last, or (with several servers
   * sharing the ticks) the run of the previous tick, found by its tick run id.
   */
  private async busy(entry: ScheduledScenario, tickMs: number): Promise<boolean> {
    const previousTick = previousFireTime(entry.schedule, tickMs);
    const candidates = [this.inFlight.get(entry.scenarioId), previousTick === undefined ? undefined : tickRunId(entry.scenarioId, previousTick)];
    for (const runId of new Set(candidates)) {
      if (!runId) continue;
      const run = await this.engine.getRun(runId);
      if (run && !FINAL_RUN_STATUSES.has(run.status)) {
        this.inFlight.set(entry.scenarioId, runId);
        return true;
      }
    }
    this.inFlight.delete(entry.scenarioId);
    return false;
  }

  private async drain(scenarioId: string): Promise<void> {
    const next = this.buffers.get(scenarioId)?.shift();
    if (!next) return;
    try {
      await this.start(next.entry, next.tickMs);
    } catch (error) {
      this.logger?.error({ err: error, scenarioId }, 'buffered schedule tick could not start');
    }
  }
}
