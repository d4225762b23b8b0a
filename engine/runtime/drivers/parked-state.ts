/**
 * Embedded mode's run state: in memory while a run runs, and in the store
 * (PGlite or PostgreSQL) while it is parked — waiting on a delay, an
 * approval or a retry, or kept incomplete — so such runs survive a restart.
 * Runs that are running when the process dies are not saved: embedded mode
 * is one process; production durability is BullMQ mode's.
 */
import type { RunMachineEvent } from '../dataflow';
import type { PersistedRun, RunCommand, RunStateStore } from '../run-state-store';
import { MemoryRunStateStore } from './memory-state';

/** What the store offers for parked runs. */
export interface ParkingLot {
  parkRun(runId: string, snapshot: object): Promise<void>;
  unparkRun(runId: string): Promise<void>;
  parkedRuns(): Promise<Array<{ runId: string; snapshot: object }>>;
}

const PARKED_STATES = new Set(['waiting', 'incomplete']);

export class ParkedRunStateStore implements RunStateStore {
  private readonly memory: MemoryRunStateStore;
  private readonly parked = new Set<string>();

  /** @param keepFinal, finishedMarker: for final runs in memory (see MemoryRunStateStore). */
  constructor(
    private readonly lot: ParkingLot,
    keepFinal?: number,
    finishedMarker?: boolean,
  ) {
    this.memory = new MemoryRunStateStore(keepFinal, finishedMarker);
  }

  /**
   * Loads the parked runs saved by an earlier process; returns their ids so the engine can queue them again.
   *
   * @example for (const runId of await state.restoreParked()) await driver.enqueue({ runId });
   */
  async restoreParked(): Promise<string[]> {
    const runs = await this.lot.parkedRuns();
    for (const { runId, snapshot } of runs) {
      await this.memory.checkpoint(runId, () => snapshot, false);
      this.parked.add(runId);
    }
    return runs.map((r) => r.runId);
  }

  load(runId: string): Promise<PersistedRun | undefined> {
    return this.memory.load(runId);
  }

  append(runId: string, events: RunMachineEvent[]): Promise<void> {
    return this.memory.append(runId, events);
  }

  beginStep(runId: string, pending: RunMachineEvent[], started: RunMachineEvent): Promise<boolean> {
    return this.memory.beginStep(runId, pending, started);
  }

  async checkpoint(runId: string, snapshot: () => object, final: boolean): Promise<void> {
    // A run that is not final is looked at (is it parked?); a final one's snapshot is left to memory to take or not.
    const taken = final ? undefined : snapshot();
    await this.memory.checkpoint(runId, taken ? () => taken : snapshot, final);
    if (taken && (PARKED_STATES.has(String((taken as { value?: unknown }).value)) || hasDelayedRetry(taken))) {
      await this.lot.parkRun(runId, taken);
      this.parked.add(runId);
    } else if (this.parked.delete(runId)) {
      await this.lot.unparkRun(runId);
    }
  }

  isAtCheckpoint(runId: string): Promise<boolean> {
    return this.memory.isAtCheckpoint(runId);
  }

  pushCommand(runId: string, command: RunCommand): Promise<void> {
    return this.memory.pushCommand(runId, command);
  }

  takeCommands(runId: string): Promise<RunCommand[]> {
    return this.memory.takeCommands(runId);
  }

  hasCommands(runId: string): Promise<boolean> {
    return this.memory.hasCommands(runId);
  }

  async close(): Promise<void> {}
}

function hasDelayedRetry(snapshot: object): boolean {
  const queue = (snapshot as { context?: { queue?: Array<{ notBefore?: number }> } }).context?.queue ?? [];
  return queue.some((t) => t.notBefore !== undefined);
}
