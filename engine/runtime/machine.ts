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
 * We drive it with XState's pure `transition()` (no interpreter), one event
 * per finished step.
 */
import { assign, initialTransition, setup, transition, type SnapshotFrom } from 'xstate';
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
 * let snapshot = startRunSnapshot(machine, { runId, scenarioId, version: 1, startedAt, input });
 * snapshot = advance(machine, snapshot, { type: 'STEP.SUCCEEDED', … });
 */
export function createRunMachine(compiled: CompiledScenario) {
  // Actions mutate the context in place and hand back the same objects: copying
  // the step list on every step would make long runs quadratic.
  const settle = (ctx: RunContext) => {
    releaseBarriers(ctx, compiled);
    return ctx;
  };
  return setup({
    types: {
      context: {} as RunContext,
      events: {} as RunMachineEvent,
      input: {} as RunStart,
    },
    actions: {
      stepStarted: assign(({ context, event }) => (applyStarted(context, event as Extract<RunMachineEvent, { type: 'STEP.STARTED' }>), context)),
      stepSucceeded: assign(({ context, event }) => settle((applySucceeded(context, compiled, event as Extract<RunMachineEvent, { type: 'STEP.SUCCEEDED' }>), context))),
      stepFailed: assign(({ context, event }) => settle((applyFailed(context, compiled, event as Extract<RunMachineEvent, { type: 'STEP.FAILED' }>), context))),
      stepWaits: assign(({ context, event }) => settle((applyWait(context, event as Extract<RunMachineEvent, { type: 'STEP.WAIT' }>), context))),
      waitElapsed: assign(({ context, event }) => settle((applyElapsed(context, compiled, event as Extract<RunMachineEvent, { type: 'WAIT.ELAPSED' }>), context))),
      decided: assign(({ context, event }) => settle((applyDecision(context, compiled, event as Extract<RunMachineEvent, { type: 'APPROVAL.DECIDED' }>), context))),
      cancel: assign(({ context, event }) => (applyCancel(context, event as Extract<RunMachineEvent, { type: 'CANCEL' }>), context)),
      resume: assign(({ context }) => settle((applyResume(context), context))),
      markFinished: assign(({ context, event }) => {
        context.finishedAt ??= 'at' in event ? event.at : 'finishedAt' in event ? event.finishedAt : new Date().toISOString();
        return context;
      }),
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
    context: ({ input }) => settle(initialContext(input, compiled.entry)),
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

/** The snapshot of a new run, with the trigger bundle queued at the entry. */
export function startRunSnapshot(machine: RunMachine, start: RunStart): RunSnapshot {
  return initialTransition(machine, start)[0];
}

/** Applies one event. Pure apart from reusing the context object (see createRunMachine). */
export function advance(machine: RunMachine, snapshot: RunSnapshot, event: RunMachineEvent): RunSnapshot {
  return transition(machine, snapshot, event)[0];
}

/** Rebuilds a snapshot from its persisted JSON form. */
export function restoreSnapshot(machine: RunMachine, persisted: unknown): RunSnapshot {
  return machine.resolveState(persisted as any);
}
