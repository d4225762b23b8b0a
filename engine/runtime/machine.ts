/**
 * A compiled scenario as an XState v5 statechart. The chart models a run's
 * life — running, waiting (delay or approval), incomplete (a `break`
 * stopped a branch), and the final succeeded / failed / cancelled — and its
 * actions apply the dataflow (`dataflow.ts`) to the context.
 *
 * It holds no promise actors and no `after` timers on purpose: a restored
 * snapshot would restart in-flight promises and lose timers. Node execution,
 * waits and retries happen outside, in the orchestrator and the queue; the
 * machine only receives their results as events. That keeps the persisted
 * snapshot a complete, replayable description of the run.
 *
 * A run is an actor (`RunActor`) for the length of a segment; its persisted
 * snapshot is the run's durable state.
 */
import { createActor, setup, type Actor, type SnapshotFrom } from 'xstate';
import type { CompiledScenario } from './compile';
import {
  applyCancel,
  applyDecision,
  applyElapsed,
  applyFailed,
  applyResume,
  applyStarted,
  applySucceeded,
  applyWait,
  initialContext,
  releaseBarriers,
  statusOf,
  type RunContext,
  type RunMachineEvent,
  type RunStart,
} from './dataflow';

/**
 * Builds the run machine of a compiled scenario.
 *
 * @example
 * const machine = createRunMachine(compiled);
 * const run = RunActor.start(machine, { runId, scenarioId, version: 1, startedAt, input });
 */
export function createRunMachine(compiled: CompiledScenario) {
  // Actions change the context in place; they are plain actions, not `assign`. The context is the run's
  // working state, owned by this one actor for one segment (the state store hands out copies and keeps what
  // is checkpointed), and nothing subscribes to its snapshots. `assign` would copy the context object and the
  // snapshot around every event — with its bookkeeping, about a sixth of what a step allocated
  // (docs/performance.md) — only to hold the same objects again. XState runs a custom action at once while
  // the actor is running, so the `always` guards that follow see the change.
  const settle = (ctx: RunContext) => releaseBarriers(ctx, compiled);
  type Args = { context: RunContext; event: RunMachineEvent };
  return setup({
    types: {
      context: {} as RunContext,
      events: {} as RunMachineEvent,
      input: {} as RunStart,
    },
    actions: {
      stepStarted: ({ context, event }: Args) => applyStarted(context, event as Extract<RunMachineEvent, { type: 'STEP.STARTED' }>),
      stepSucceeded: ({ context, event }: Args) => (applySucceeded(context, compiled, event as Extract<RunMachineEvent, { type: 'STEP.SUCCEEDED' }>), settle(context)),
      stepFailed: ({ context, event }: Args) => (applyFailed(context, compiled, event as Extract<RunMachineEvent, { type: 'STEP.FAILED' }>), settle(context)),
      stepWaits: ({ context, event }: Args) => (applyWait(context, event as Extract<RunMachineEvent, { type: 'STEP.WAIT' }>), settle(context)),
      waitElapsed: ({ context, event }: Args) => (applyElapsed(context, compiled, event as Extract<RunMachineEvent, { type: 'WAIT.ELAPSED' }>), settle(context)),
      decided: ({ context, event }: Args) => (applyDecision(context, compiled, event as Extract<RunMachineEvent, { type: 'APPROVAL.DECIDED' }>), settle(context)),
      cancel: ({ context, event }: Args) => applyCancel(context, event as Extract<RunMachineEvent, { type: 'CANCEL' }>),
      resume: ({ context, event }: Args) => (applyResume(context, event as Extract<RunMachineEvent, { type: 'RESUME' }>), settle(context)),
      markFinished: ({ context, event }: Args) => {
        context.finishedAt ??= 'at' in event ? event.at : 'finishedAt' in event ? event.finishedAt : new Date().toISOString();
      },
    },
    guards: {
      isRunning: ({ context }) => statusOf(context) === 'running',
      isWaiting: ({ context }) => statusOf(context) === 'waiting',
      isSucceeded: ({ context }) => statusOf(context) === 'succeeded',
      isFailed: ({ context }) => statusOf(context) === 'failed',
      isIncomplete: ({ context }) => statusOf(context) === 'incomplete',
    },
  }).createMachine({
    id: `scenario:${compiled.scenario.id}`,
    context: ({ input }) => {
      const context = initialContext(input, compiled.entry);
      settle(context);
      return context;
    },
    initial: 'running',
    on: {
      CANCEL: { target: '.cancelled', actions: 'cancel' },
    },
    states: {
      running: {
        always: [
          { guard: 'isFailed', target: 'failed' },
          { guard: 'isSucceeded', target: 'succeeded' },
          { guard: 'isIncomplete', target: 'incomplete' },
          { guard: 'isWaiting', target: 'waiting' },
        ],
        on: {
          'STEP.STARTED': { actions: 'stepStarted' },
          'STEP.SUCCEEDED': { actions: 'stepSucceeded' },
          'STEP.FAILED': { actions: 'stepFailed' },
          'STEP.WAIT': { actions: 'stepWaits' },
          'WAIT.ELAPSED': { actions: 'waitElapsed' },
          'APPROVAL.DECIDED': { actions: 'decided' },
        },
      },
      waiting: {
        always: [{ guard: 'isRunning', target: 'running' }],
        on: {
          'WAIT.ELAPSED': { actions: 'waitElapsed', target: 'running' },
          'APPROVAL.DECIDED': { actions: 'decided', target: 'running' },
        },
      },
      incomplete: {
        entry: 'markFinished',
        on: { RESUME: { actions: 'resume', target: 'running' } },
      },
      succeeded: { type: 'final', entry: 'markFinished' },
      failed: { type: 'final', entry: 'markFinished' },
      cancelled: { type: 'final' },
    },
  });
}

export type RunMachine = ReturnType<typeof createRunMachine>;
export type RunSnapshot = SnapshotFrom<RunMachine>;

/** The JSON form of a run's snapshot, as the run state store keeps it. */
export type PersistedRunSnapshot = ReturnType<Actor<RunMachine>['getPersistedSnapshot']>;

/**
 * A run as a live XState actor, for the length of one segment. It has no
 * invoked actors or timers, so every `send` settles synchronously and the
 * snapshot can be persisted at any moment.
 *
 * @example
 * const run = RunActor.start(machine, { runId, scenarioId, version: 1, startedAt, input });
 * run.send({ type: 'STEP.SUCCEEDED', … });
 * store.checkpoint(runId, () => run.persisted());
 */
export class RunActor {
  private constructor(private readonly actor: Actor<RunMachine>) {
    actor.start();
  }

  /** A new run, with the trigger bundle queued at the entry. */
  static start(machine: RunMachine, start: RunStart): RunActor {
    return new RunActor(createActor(machine, { input: start }));
  }

  /** A run restored from its persisted snapshot. */
  static restore(machine: RunMachine, persisted: PersistedRunSnapshot): RunActor {
    return new RunActor(createActor(machine, { snapshot: persisted } as Parameters<typeof createActor<RunMachine>>[1]));
  }

  send(event: RunMachineEvent): void {
    this.actor.send(event);
  }

  get context(): RunContext {
    return this.actor.getSnapshot().context;
  }

  /** The machine state the run is in (`running`, `waiting`, …). */
  get state(): string {
    return String(this.actor.getSnapshot().value);
  }

  persisted(): PersistedRunSnapshot {
    return this.actor.getPersistedSnapshot();
  }

  stop(): void {
    this.actor.stop();
  }
}
