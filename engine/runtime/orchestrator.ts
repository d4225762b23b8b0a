/**
 * The orchestrator advances one run by one segment: it restores the run's
 * machine from its durable state, applies commands that arrived (cancel,
 * approvals, resume) and waits that are due, then executes ready steps one
 * after another until the run is final, parked, or must wait for a retry.
 *
 * Durability: the event of every step that has an effect outside the run
 * (a node that is not `pure`) is appended to the run's log before the next
 * such step starts — in the same write as that step's started marker, which
 * is written before it runs — so after a crash a recorded step is never run
 * again and the interrupted one runs again with the same idempotency key. Events of pure steps ride along
 * with the next durable write — replaying a pure step changes nothing
 * outside. The snapshot is checkpointed once per segment.
 */
import type { CompiledScenario } from './compile';
import type { RunContext, RunMachineEvent, Token } from './dataflow';
import { nextAttempt, statusOf, waitsOf } from './dataflow';
import { executeStep, routeWaitOutput, type ExecutorServices } from './executor';
import { RunActor, type PersistedRunSnapshot, type RunMachine } from './machine';
import type { RunJob, SegmentOutcome } from './queue-driver';
import type { RunCommand, RunStateStore } from './run-state-store';
import { runRecordOf } from './record';
import { redactor } from './redact';
import type { RunEvent, RunEventBus, RunHistory, StepStatus } from './types';
import { FINAL_RUN_STATUSES } from './types';

export interface CompiledVersion {
  compiled: CompiledScenario;
  machine: RunMachine;
  /** `settings.vars` overridden by SWITCHYARD_VAR_<NAME> environment variables. */
  vars: Record<string, unknown>;
}

export interface OrchestratorDeps {
  state: RunStateStore;
  events: RunEventBus;
  history?: RunHistory;
  /** Compiled scenario + machine for a scenario version (cached by the engine). */
  load(scenarioId: string, version: number): Promise<CompiledVersion>;
  services(): Promise<ExecutorServices>;
  /** Called for every finished step (metrics). */
  onStep?(nodeType: string, status: string, durationMs: number): void;
  onRunFinished?(status: string): void;
}

/** A restored run: its compiled scenario and its actor. */
export interface LoadedRun extends CompiledVersion {
  actor: RunActor;
  /** The scenario version the actor was compiled from. */
  version: number;
  /** As the state store read it with the run (PersistedRun.commandsWaiting). */
  commandsWaiting?: boolean;
}

export class RunOrchestrator {
  constructor(private readonly deps: OrchestratorDeps) {}

  /** Restores a run from its durable state (snapshot + log), or creates it from its start. */
  async restore(runId: string, start?: RunJob['start']): Promise<LoadedRun | undefined> {
    const persisted = await this.deps.state.load(runId);
    const base = (persisted?.snapshot as { context?: RunContext } | undefined)?.context;
    // A snapshot without a context (FINISHED_SNAPSHOT, run-state-store.ts) marks a final run kept in the
    // history: there is nothing to restore, and a job delivered again must not start the run over.
    if (persisted?.snapshot && !base) return undefined;
    const scenarioId = base?.scenarioId ?? start?.scenarioId;
    const version = base?.version ?? start?.version;
    if (!scenarioId || version === undefined) return undefined;
    const { compiled, machine, vars } = await this.deps.load(scenarioId, version);
    const actor = persisted?.snapshot
      ? RunActor.restore(machine, persisted.snapshot as PersistedRunSnapshot)
      : start
        ? RunActor.start(machine, start)
        : undefined;
    if (!actor) return undefined;
    for (const event of persisted?.events ?? []) actor.send(event);
    return { compiled, machine, vars, actor, version, commandsWaiting: persisted?.commandsWaiting };
  }

  private publish(event: RunEvent): void {
    this.deps.events.publish(event);
  }

  /** Turns outside commands into machine events. */
  private async commandEvents(run: LoadedRun, commands: RunCommand[], services: ExecutorServices): Promise<RunMachineEvent[]> {
    const events: RunMachineEvent[] = [];
    for (const command of commands) {
      const ctx = run.actor.context;
      if (command.type === 'cancel') events.push({ type: 'CANCEL', at: command.at });
      else if (command.type === 'resume') events.push({ type: 'RESUME', at: command.at, version: command.version });
      else {
        const parked = ctx.parked.find((p) => p.kind === 'approval' && p.token.nodeId === command.nodeId);
        if (!parked) continue;
        const output = { decision: command.decision, by: command.by, comment: command.comment ?? null, at: command.at, input: parked.token.input };
        const edges = await routeWaitOutput(run.compiled, ctx, parked.token, command.decision, output, services);
        events.push({ type: 'APPROVAL.DECIDED', tokenId: parked.token.id, decision: command.decision, by: command.by, comment: command.comment, at: command.at, edges });
      }
      // Apply as we go: a later command must see the effect of an earlier one.
      if (events.length) run.actor.send(events[events.length - 1]);
    }
    return events;
  }

  private nextReady(ctx: RunContext, now: number): Token | undefined {
    return ctx.queue.find((t) => t.notBefore === undefined || t.notBefore <= now);
  }

  /**
   * Advances a run as far as it can go now.
   *
   * @example
   * driver.consume((job, signal) => orchestrator.processSegment(job, signal), { concurrency: 4 });
   */
  async processSegment(job: RunJob, signal: AbortSignal): Promise<SegmentOutcome> {
    const { state } = this.deps;
    const run = await this.restore(job.runId, job.start);
    if (!run) {
      // Nothing to act on: a finished run, or one nobody knows. A command may still wait for it (a cancel that
      // arrived while its last step ran); left there, the check after every job would queue the run again at once.
      await state.takeCommands(job.runId);
      return {};
    }
    const services = { ...(await this.deps.services()), vars: run.vars };
    const runId = job.runId;
    const ctx = () => run.actor.context;
    const scenarioId = ctx().scenarioId;
    const statusAtStart = statusOf(ctx());
    if (!FINAL_RUN_STATUSES.has(statusAtStart) && ctx().steps.length === 0 && ctx().queue.length === 1 && !ctx().queue[0].attempts) {
      this.publish({ type: 'run.started', runId, scenarioId, at: new Date().toISOString() });
    }

    // Events not yet durable (pure steps); written with the next durable write or the checkpoint.
    let pending: RunMachineEvent[] = [];
    const apply = (event: RunMachineEvent) => {
      run.actor.send(event);
      pending.push(event);
    };
    const flush = async () => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      await state.append(runId, batch);
    };

    // Taken here, after the version compiled: a command taken before a failed compile would be lost.
    const commands = run.commandsWaiting === false ? [] : await state.takeCommands(runId);
    for (const event of await this.commandEvents(run, commands, services)) {
      pending.push(event);
      if (event.type === 'APPROVAL.DECIDED') this.announceWaitEnded(run, event.tokenId);
    }
    await flush();
    // Final before and after the commands: a job delivered again, with nothing to record or announce. A resumed
    // (or cancelled) incomplete run is not: its history and its run.finished are written again when it ends.
    const wasFinal = FINAL_RUN_STATUSES.has(statusAtStart) && statusOf(ctx()) === statusAtStart;
    if (ctx().version !== run.version) {
      // Resumed on a newer version: go on in a fresh segment compiled from it. History first, as before every
      // checkpoint: readers take a run at its checkpoint from the history (RunStateStore.isAtCheckpoint).
      await this.deps.history?.saveRun(runRecordOf(ctx()), redactor(services.secrets));
      await state.checkpoint(runId, () => run.actor.persisted(), false);
      run.actor.stop();
      return { continueAt: Date.now() };
    }

    const now = Date.now();
    for (const parked of [...ctx().parked]) {
      if (parked.kind !== 'delay' || (parked.until ?? 0) > now) continue;
      const edges = await routeWaitOutput(run.compiled, ctx(), parked.token, 'out', parked.token.input, services);
      apply({ type: 'WAIT.ELAPSED', tokenId: parked.token.id, at: new Date().toISOString(), edges });
      this.announceWaitEnded(run, parked.token.id);
    }

    while (statusOf(ctx()) === 'running' && !signal.aborted) {
      const token = this.nextReady(ctx(), Date.now());
      if (!token) break;
      const node = run.compiled.nodes.get(token.nodeId)!;
      const durable = !node.type.pure;
      if (durable) {
        const attempt = nextAttempt(token);
        const started: RunMachineEvent = { type: 'STEP.STARTED', tokenId: token.id, attempt, at: new Date().toISOString() };
        // One round trip: what is pending (the last effectful step's result included), then the start marker —
        // unless a cancel or decision arrived, which the next segment takes.
        const batch = pending;
        pending = [];
        if (!(await state.beginStep(runId, batch, started))) break;
        run.actor.send(started);
        this.publish({ type: 'step.started', runId, scenarioId, stepId: token.id, nodeId: token.nodeId, attempt, at: started.at });
      }
      const event = await executeStep(run.compiled, ctx(), token, services, signal);
      // Not flushed here: it becomes durable with the next step's start marker or the checkpoint, before any other effect.
      apply(event);
      this.announce(run, event, token);
    }

    const status = statusOf(ctx());
    const final = FINAL_RUN_STATUSES.has(status);
    // History first, then the checkpoint that lets a final run's live state expire: a run is never in
    // neither place. Should the history write fail (or the process die here), the live state is not
    // final yet, so the job's retry replays the segment from its log and writes the history again.
    // The trigger bundle is recorded as received; a secret value in it is redacted like any other — by the
    // store, in the JSON it writes (a step's output was redacted when the step ran, but a node may have changed
    // an object in place since, so the whole record is looked through).
    if (!wasFinal || job.start) await this.deps.history?.saveRun(runRecordOf(ctx()), redactor(services.secrets));
    // An incomplete run is final for now but may be resumed, so its state must not expire.
    await state.checkpoint(runId, () => run.actor.persisted(), final && status !== 'incomplete');
    run.actor.stop();
    pending = [];
    const at = new Date().toISOString();
    if (final && !wasFinal) {
      this.publish({ type: 'run.finished', runId, scenarioId, status, at });
      this.deps.onRunFinished?.(status);
    } else if (status === 'waiting') this.publish({ type: 'run.waiting', runId, scenarioId, waits: waitsOf(ctx()), at });
    if (final || status === 'waiting' || signal.aborted) {
      const dueDelays = ctx().parked.filter((p) => p.kind === 'delay').map((p) => p.until ?? 0);
      return dueDelays.length && !final ? { continueAt: Math.min(...dueDelays) } : {};
    }
    const due = [...ctx().queue.map((t) => t.notBefore ?? Date.now()), ...ctx().parked.filter((p) => p.kind === 'delay').map((p) => p.until ?? 0)];
    return due.length ? { continueAt: Math.min(...due) } : {};
  }

  private announce(run: LoadedRun, event: RunMachineEvent, token: Token): void {
    const ctx = run.actor.context;
    const base = { runId: ctx.runId, scenarioId: ctx.scenarioId, stepId: token.id, nodeId: token.nodeId, at: new Date().toISOString() };
    const nodeType = run.compiled.nodes.get(token.nodeId)!.type.type;
    if (event.type === 'STEP.SUCCEEDED') {
      this.finished(base, nodeType, event.status ?? 'succeeded', { bundles: event.outputs.length, port: event.outputs[0]?.port }, event);
    } else if (event.type === 'STEP.FAILED') {
      const step = ctx.steps.find((s) => s.id === token.id);
      const status = event.retryAt !== undefined ? 'failed' : (step?.status ?? 'failed');
      this.finished(base, nodeType, status, { bundles: 0, error: event.error.message }, event);
    } else if (event.type === 'STEP.WAIT') {
      this.publish({ type: 'step.finished', ...base, status: 'waiting', bundles: 0, durationMs: 0 });
    }
  }

  /**
   * A delay elapsed or an approval was decided: the step parked on it ends now, outside any step's execution.
   * Announced like a step that ran, so watchers see the node finish (and metrics count it) when it does,
   * not only when the run next waits or ends.
   */
  private announceWaitEnded(run: LoadedRun, tokenId: string): void {
    const ctx = run.actor.context;
    const step = ctx.steps.findLast((s) => s.id === tokenId);
    if (!step?.finishedAt) return;
    const base = { runId: ctx.runId, scenarioId: ctx.scenarioId, stepId: step.id, nodeId: step.nodeId, at: new Date().toISOString() };
    this.finished(base, run.compiled.nodes.get(step.nodeId)!.type.type, step.status, { bundles: 1, port: step.port }, { startedAt: step.startedAt, finishedAt: step.finishedAt });
  }

  /** A step's end, to watchers (`step.finished`) and to the step metrics. */
  private finished(
    base: { runId: string; scenarioId: string; stepId: string; nodeId: string; at: string },
    nodeType: string,
    status: StepStatus,
    outcome: { bundles: number; port?: string; error?: string },
    times: { startedAt: string; finishedAt: string },
  ): void {
    const durationMs = Date.parse(times.finishedAt) - Date.parse(times.startedAt);
    this.publish({ type: 'step.finished', ...base, status, ...outcome, durationMs });
    this.deps.onStep?.(nodeType, status, durationMs);
  }
}
