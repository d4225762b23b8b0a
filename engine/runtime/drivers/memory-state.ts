/** Run state in memory (embedded mode and the CLI). Final runs are kept up to a bound, oldest dropped first. */
import type { RunMachineEvent } from '../dataflow';
import { FINISHED_SNAPSHOT, type PersistedRun, type RunCommand, type RunStateStore } from '../run-state-store';

export class MemoryRunStateStore implements RunStateStore {
  private readonly runs = new Map<string, PersistedRun>();
  private readonly inbox = new Map<string, RunCommand[]>();
  private readonly finals: string[] = [];

  /**
   * @param keepFinal how many final runs stay readable here, oldest dropped first
   * @param finishedMarker a history store keeps final runs: keep only {@link FINISHED_SNAPSHOT} for them
   */
  constructor(
    private readonly keepFinal = 10_000,
    private readonly finishedMarker = false,
  ) {}

  async load(runId: string): Promise<PersistedRun | undefined> {
    const run = this.runs.get(runId);
    // A copy: a restored machine changes its context in place, and the kept snapshot must stay as checkpointed.
    return run ? { snapshot: run.snapshot && structuredClone(run.snapshot), events: [...run.events] } : undefined;
  }

  async append(runId: string, events: RunMachineEvent[]): Promise<void> {
    const run = this.runs.get(runId) ?? { events: [] };
    run.events.push(...events);
    this.runs.set(runId, run);
  }

  async beginStep(runId: string, pending: RunMachineEvent[], started: RunMachineEvent): Promise<boolean> {
    await this.append(runId, pending);
    if (await this.hasCommands(runId)) return false;
    await this.append(runId, [started]);
    return true;
  }

  async checkpoint(runId: string, snapshot: () => object, final: boolean): Promise<void> {
    // Kept as given, not copied: the orchestrator checkpoints at the end of a segment and stops the
    // machine, so nothing changes the context afterwards; `load` hands out copies. Most runs are
    // checkpointed once and never loaded again, so copying here was a clone of every run for nothing.
    this.runs.set(runId, { snapshot: final && this.finishedMarker ? FINISHED_SNAPSHOT : snapshot(), events: [] });
    if (final) {
      this.finals.push(runId);
      while (this.finals.length > this.keepFinal) this.runs.delete(this.finals.shift()!);
    }
  }

  async isAtCheckpoint(runId: string): Promise<boolean> {
    return (this.runs.get(runId)?.events.length ?? 0) === 0;
  }

  async pushCommand(runId: string, command: RunCommand): Promise<void> {
    const list = this.inbox.get(runId) ?? [];
    list.push(command);
    this.inbox.set(runId, list);
  }

  async takeCommands(runId: string): Promise<RunCommand[]> {
    const list = this.inbox.get(runId) ?? [];
    this.inbox.delete(runId);
    return list;
  }

  async hasCommands(runId: string): Promise<boolean> {
    return (this.inbox.get(runId)?.length ?? 0) > 0;
  }

  async close(): Promise<void> {}
}
