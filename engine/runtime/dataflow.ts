/**
 * The dataflow of a run, as pure functions over the run's context: where
 * bundles wait, what a finished step sends where, when a merge or an
 * aggregator has seen every bundle that can still arrive, and when the run is
 * over. The XState machine (`machine.ts`) calls these from its actions; the
 * orchestrator never changes the context itself.
 *
 * Every event carries the facts that are not deterministic (outputs, chosen
 * edges, times, retry moments), so replaying the same events over the same
 * snapshot gives the same context — that is what makes the event log durable.
 */
import type { CompiledScenario } from './compile';
import { ERROR_PORT } from './compile';
import type { RunStatus, StepRecord, StepStatus, WaitRecord } from './types';

/** An iterator frame: which item of which iterator execution a bundle belongs to. */
export interface Frame {
  iterator: string;
  exec: string;
  index: number;
}

/** A bundle waiting to be processed by a node: one future step. */
export interface Token {
  /** The step id this token becomes; with the run id, the idempotency key. */
  id: string;
  nodeId: string;
  input: unknown;
  /** `<stepId>#<outputIndex>` of the bundle that produced this one (absent for the entry). */
  lineage?: string;
  /** The node the bundle came from (merge keys its inputs by it). */
  fromNode?: string;
  frames: Frame[];
  /** Attempts already made. */
  attempts: number;
  /** Epoch ms before which the token must not run (retry backoff). */
  notBefore?: number;
  /** The attempt a worker announced it started (survives a crash in the log). */
  startedAttempt?: number;
  /** Set for barrier firings (merge/aggregator): the input is already gathered. */
  gathered?: boolean;
  /** First attempt's start, kept across retries for the step's timings. */
  firstStartedAt?: string;
}

export interface Parked {
  token: Token;
  kind: 'delay' | 'approval';
  until?: number;
  reviewers?: string[];
  message?: string;
  startedAt: string;
}

interface Barrier {
  nodeId: string;
  /** Frames of the bundle the barrier will emit. */
  frames: Frame[];
  /** The iterator execution an aggregator collects (absent for merges). */
  exec?: string;
  arrivals: Array<{ from?: string; input: unknown; lineage?: string }>;
}

/** Everything the machine knows about a run; the persisted snapshot's context. */
export interface RunContext {
  runId: string;
  scenarioId: string;
  version: number;
  startedAt: string;
  trigger: unknown;
  request?: unknown;
  triggerKind?: string;
  parentRunId?: string;
  seq: number;
  queue: Token[];
  parked: Parked[];
  barriers: Record<string, Barrier>;
  broken: Token[];
  steps: StepRecord[];
  /** Output bundles by step id, for `steps.<id>.output` lineage and merge inputs. */
  outputs: Record<string, { nodeId: string; bundles: unknown[]; lineage?: string }>;
  failure?: { message: string; nodeId?: string; stepId?: string };
  cancelled?: boolean;
  finishedAt?: string;
}

/** One output bundle with the edges the executor chose for it. */
export interface RoutedOutput {
  output: unknown;
  port: string;
  edges: number[];
}

export type RunMachineEvent =
  | { type: 'STEP.STARTED'; tokenId: string; attempt: number; at: string }
  | {
      type: 'STEP.SUCCEEDED';
      tokenId: string;
      outputs: RoutedOutput[];
      attempts: number;
      startedAt: string;
      finishedAt: string;
      note?: string;
      /** `resumed`: the node failed and `onError: "resume"` substituted its errorOutput. */
      status?: 'succeeded' | 'resumed';
      error?: { message: string; code?: string };
    }
  | { type: 'STEP.FAILED'; tokenId: string; error: { message: string; code?: string }; attempts: number; startedAt: string; finishedAt: string; retryAt?: number; errorEdges?: number[] }
  | { type: 'STEP.WAIT'; tokenId: string; kind: 'delay' | 'approval'; until?: number; reviewers?: string[]; message?: string; startedAt: string }
  | { type: 'WAIT.ELAPSED'; tokenId: string; at: string; edges: number[] }
  | { type: 'APPROVAL.DECIDED'; tokenId: string; decision: 'approved' | 'rejected'; by: string; comment?: string; at: string; edges: number[] }
  | { type: 'CANCEL'; at: string }
  | { type: 'RESUME'; at: string; /** Continue on this (fixed) scenario version. */ version?: number };

/** The input that creates a run's context. */
export interface RunStart {
  runId: string;
  scenarioId: string;
  version: number;
  startedAt: string;
  input: unknown;
  request?: unknown;
  trigger?: string;
  parentRunId?: string;
}

/** A fresh context with the trigger bundle at the entry node. */
export function initialContext(start: RunStart, entry: string): RunContext {
  return {
    runId: start.runId,
    scenarioId: start.scenarioId,
    version: start.version,
    startedAt: start.startedAt,
    trigger: start.input,
    request: start.request,
    triggerKind: start.trigger,
    parentRunId: start.parentRunId,
    seq: 1,
    queue: [{ id: 's0', nodeId: entry, input: start.input, frames: [], attempts: 0 }],
    parked: [],
    barriers: {},
    broken: [],
    steps: [],
    outputs: {},
  };
}

function takeToken(ctx: RunContext, tokenId: string): Token | undefined {
  const i = ctx.queue.findIndex((t) => t.id === tokenId);
  if (i >= 0) return ctx.queue.splice(i, 1)[0];
  const p = ctx.parked.findIndex((t) => t.token.id === tokenId);
  if (p >= 0) return ctx.parked.splice(p, 1)[0].token;
  return undefined;
}

function frameKey(frames: Frame[]): string {
  return frames.map((f) => `${f.exec}/${f.index}`).join('|');
}

/** Sends `bundle` along one edge: a new token, or an arrival at a barrier. */
function deliver(ctx: RunContext, compiled: CompiledScenario, to: string, bundle: unknown, from: string, lineage: string, frames: Frame[]): void {
  const node = compiled.nodes.get(to)!;
  const behaviour = node.type.behaviour;
  if (behaviour === 'merge' || behaviour === 'aggregator') {
    let barrierFrames = frames;
    let exec: string | undefined;
    if (behaviour === 'aggregator') {
      const iterator = (node.definition.config as { iterator?: string } | undefined)?.iterator;
      const at = frames.map((f) => f.iterator).lastIndexOf(iterator ?? '');
      if (at >= 0) {
        exec = frames[at].exec;
        barrierFrames = frames.slice(0, at);
      }
    }
    const key = `${to}@${exec ?? frameKey(barrierFrames)}`;
    const barrier = (ctx.barriers[key] ??= { nodeId: to, frames: barrierFrames, exec, arrivals: [] });
    barrier.arrivals.push({ from, input: bundle, lineage });
    return;
  }
  ctx.queue.push({ id: `s${ctx.seq++}`, nodeId: to, input: bundle, lineage, fromNode: from, frames, attempts: 0 });
}

function route(ctx: RunContext, compiled: CompiledScenario, token: Token, stepId: string, outputs: RoutedOutput[]): void {
  const node = compiled.nodes.get(token.nodeId)!;
  const iterates = node.type.behaviour === 'iterator';
  outputs.forEach((out, index) => {
    const frames = iterates ? [...token.frames, { iterator: node.id, exec: stepId, index }] : token.frames;
    for (const edgeIndex of out.edges) {
      const edge = compiled.edges[edgeIndex];
      deliver(ctx, compiled, edge.to, out.output, node.id, `${stepId}#${index}`, frames);
    }
  });
}

function record(ctx: RunContext, step: StepRecord): void {
  ctx.steps.push(step);
}

function stepBase(token: Token, status: StepStatus, attempts: number, startedAt: string, finishedAt: string): StepRecord {
  const first = token.firstStartedAt ?? startedAt;
  return {
    id: token.id,
    nodeId: token.nodeId,
    status,
    attempts,
    input: token.input,
    startedAt: first,
    finishedAt,
    durationMs: Math.max(0, Date.parse(finishedAt) - Date.parse(first)),
  };
}

/** Notes that an attempt started, so a crash mid-step still counts it. */
export function applyStarted(ctx: RunContext, e: Extract<RunMachineEvent, { type: 'STEP.STARTED' }>): void {
  const token = ctx.queue.find((t) => t.id === e.tokenId);
  if (!token) return;
  token.startedAttempt = e.attempt;
  token.firstStartedAt ??= e.at;
}

/** The attempt number the next execution of `token` is. */
export function nextAttempt(token: Token): number {
  return Math.max(token.attempts, token.startedAttempt ?? 0) + 1;
}

/** Applies a finished step: record it, and send its outputs on. */
export function applySucceeded(ctx: RunContext, compiled: CompiledScenario, e: Extract<RunMachineEvent, { type: 'STEP.SUCCEEDED' }>): void {
  const token = takeToken(ctx, e.tokenId);
  if (!token) return;
  const step = stepBase(token, e.status ?? 'succeeded', e.attempts, e.startedAt, e.finishedAt);
  if (e.error) step.error = e.error;
  const single = e.outputs.length === 1 && compiled.nodes.get(token.nodeId)!.type.behaviour !== 'iterator';
  step.output = single ? e.outputs[0].output : e.outputs.map((o) => o.output);
  step.port = e.outputs[0]?.port;
  const routed = e.outputs.reduce((n, o) => n + o.edges.length, 0);
  const hasEdges = compiled.nodes.get(token.nodeId)!.edges.size > 0;
  if (e.note) step.note = e.note;
  else if (hasEdges && routed === 0 && e.outputs.length > 0) step.note = 'No route matched: the bundle stops here';
  record(ctx, step);
  ctx.outputs[token.id] = { nodeId: token.nodeId, bundles: e.outputs.map((o) => o.output), lineage: token.lineage };
  route(ctx, compiled, token, token.id, e.outputs);
}

/**
 * Applies a failed attempt: schedule the retry, or apply the node's onError
 * (`resume` arrives as a STEP.SUCCEEDED with status "resumed", because the
 * executor must route the substitute output through the edge conditions).
 */
export function applyFailed(ctx: RunContext, compiled: CompiledScenario, e: Extract<RunMachineEvent, { type: 'STEP.FAILED' }>): void {
  const token = takeToken(ctx, e.tokenId);
  if (!token) return;
  if (e.retryAt !== undefined) {
    ctx.queue.push({ ...token, attempts: e.attempts, startedAttempt: undefined, notBefore: e.retryAt, firstStartedAt: token.firstStartedAt ?? e.startedAt });
    return;
  }
  const node = compiled.nodes.get(token.nodeId)!;
  const policy = node.definition.onError ?? 'fail';
  const errorEdges = e.errorEdges ?? (node.edges.get(ERROR_PORT) ?? []).map((edge) => edge.index);
  const step = stepBase(token, 'failed', e.attempts, e.startedAt, e.finishedAt);
  step.error = e.error;
  if (errorEdges.length > 0) {
    const bundle = { error: { ...e.error, nodeId: token.nodeId }, input: token.input };
    step.output = bundle;
    step.port = ERROR_PORT;
    step.note = 'Error routed to the error handle';
    record(ctx, step);
    ctx.outputs[token.id] = { nodeId: token.nodeId, bundles: [bundle], lineage: token.lineage };
    route(ctx, compiled, token, token.id, [{ output: bundle, port: ERROR_PORT, edges: errorEdges }]);
    return;
  }
  switch (policy) {
    case 'ignore':
      step.status = 'ignored';
      step.note = 'Error ignored: the bundle was dropped';
      record(ctx, step);
      return;
    case 'break':
      step.status = 'broken';
      step.note = 'Run kept as incomplete: resume it after a fix';
      record(ctx, step);
      ctx.broken.push({ ...token, attempts: 0, notBefore: undefined, firstStartedAt: undefined });
      return;
    default:
      record(ctx, step);
      ctx.failure ??= { message: e.error.message, nodeId: token.nodeId, stepId: token.id };
      // A failed run does nothing more: pending bundles are dropped.
      ctx.queue.length = 0;
      ctx.parked.length = 0;
      ctx.barriers = {};
  }
}

/** Parks a token (delay or approval) without holding a worker. */
export function applyWait(ctx: RunContext, e: Extract<RunMachineEvent, { type: 'STEP.WAIT' }>): void {
  const token = takeToken(ctx, e.tokenId);
  if (!token) return;
  ctx.parked.push({ token, kind: e.kind, until: e.until, reviewers: e.reviewers, message: e.message, startedAt: e.startedAt });
}

function finishParked(ctx: RunContext, compiled: CompiledScenario, tokenId: string, output: unknown, port: string, edges: number[], at: string, status: StepStatus = 'succeeded'): void {
  const i = ctx.parked.findIndex((p) => p.token.id === tokenId);
  if (i < 0) return;
  const [parked] = ctx.parked.splice(i, 1);
  const step = stepBase(parked.token, status, 1, parked.startedAt, at);
  step.output = output;
  step.port = port;
  record(ctx, step);
  ctx.outputs[parked.token.id] = { nodeId: parked.token.nodeId, bundles: [output], lineage: parked.token.lineage };
  route(ctx, compiled, parked.token, parked.token.id, [{ output, port, edges }]);
}

export function applyElapsed(ctx: RunContext, compiled: CompiledScenario, e: Extract<RunMachineEvent, { type: 'WAIT.ELAPSED' }>): void {
  const parked = ctx.parked.find((p) => p.token.id === e.tokenId);
  if (!parked || parked.kind !== 'delay') return;
  finishParked(ctx, compiled, e.tokenId, parked.token.input, 'out', e.edges, e.at);
}

export function applyDecision(ctx: RunContext, compiled: CompiledScenario, e: Extract<RunMachineEvent, { type: 'APPROVAL.DECIDED' }>): void {
  const parked = ctx.parked.find((p) => p.token.id === e.tokenId);
  if (!parked || parked.kind !== 'approval') return;
  const output = { decision: e.decision, by: e.by, comment: e.comment ?? null, at: e.at, input: parked.token.input };
  finishParked(ctx, compiled, e.tokenId, output, e.decision, e.edges, e.at);
}

export function applyCancel(ctx: RunContext, e: Extract<RunMachineEvent, { type: 'CANCEL' }>): void {
  // A step parked on a wait ends here: recorded as stopped, so the run's record still says where it stood.
  for (const parked of ctx.parked) {
    record(ctx, { ...stepBase(parked.token, 'stopped', 1, parked.startedAt, e.at), note: `cancelled while waiting on ${parked.kind === 'delay' ? 'a delay' : 'an approval'}` });
  }
  ctx.cancelled = true;
  ctx.queue.length = 0;
  ctx.parked.length = 0;
  ctx.barriers = {};
  ctx.finishedAt = e.at;
}

/** Puts broken bundles back in the queue (after a fix, possibly on a newer version). */
export function applyResume(ctx: RunContext, e?: Extract<RunMachineEvent, { type: 'RESUME' }>): void {
  if (e?.version !== undefined) ctx.version = e.version;
  ctx.queue.push(...ctx.broken.map((t) => ({ ...t, attempts: 0 })));
  ctx.broken = [];
  ctx.finishedAt = undefined;
}

function mayStillArrive(ctx: RunContext, compiled: CompiledScenario, barrierKey: string, barrier: Barrier): boolean {
  const relevant = (frames: Frame[]) =>
    barrier.exec !== undefined ? frames.some((f) => f.exec === barrier.exec) : frameKey(frames).startsWith(frameKey(barrier.frames));
  const reaches = (nodeId: string) => compiled.reaches.get(nodeId)?.has(barrier.nodeId) ?? false;
  for (const t of ctx.queue) if (reaches(t.nodeId) && relevant(t.frames)) return true;
  for (const p of ctx.parked) if (reaches(p.token.nodeId) && relevant(p.token.frames)) return true;
  for (const [key, other] of Object.entries(ctx.barriers)) {
    if (key !== barrierKey && other.nodeId !== barrier.nodeId && reaches(other.nodeId)) return true;
  }
  return false;
}

/** Fires every merge and aggregator that can receive nothing more: each becomes a ready token. */
export function releaseBarriers(ctx: RunContext, compiled: CompiledScenario): void {
  let released = true;
  while (released) {
    released = false;
    for (const [key, barrier] of Object.entries(ctx.barriers)) {
      if (mayStillArrive(ctx, compiled, key, barrier)) continue;
      delete ctx.barriers[key];
      const node = compiled.nodes.get(barrier.nodeId)!;
      const input =
        node.type.behaviour === 'merge'
          ? { inputs: Object.fromEntries(barrier.arrivals.map((a) => [a.from ?? 'trigger', a.input])) }
          : { bundles: barrier.arrivals.map((a) => a.input) };
      ctx.queue.push({ id: `s${ctx.seq++}`, nodeId: barrier.nodeId, input, lineage: barrier.arrivals[0]?.lineage, frames: barrier.frames, attempts: 0, gathered: true });
      released = true;
    }
  }
}

/** The status the context implies. */
export function statusOf(ctx: RunContext): RunStatus {
  if (ctx.cancelled) return 'cancelled';
  if (ctx.failure) return 'failed';
  if (ctx.queue.length > 0 || Object.keys(ctx.barriers).length > 0) return 'running';
  if (ctx.parked.length > 0) return 'waiting';
  if (ctx.broken.length > 0) return 'incomplete';
  return 'succeeded';
}

/** The waits a run is parked on, as the run record lists them. */
export function waitsOf(ctx: RunContext): WaitRecord[] {
  const waits: WaitRecord[] = ctx.parked.map((p) => ({
    stepId: p.token.id,
    nodeId: p.token.nodeId,
    kind: p.kind,
    until: p.until,
    reviewers: p.reviewers,
    message: p.message,
  }));
  for (const t of ctx.queue) if (t.notBefore !== undefined) waits.push({ stepId: t.id, nodeId: t.nodeId, kind: 'retry', until: t.notBefore });
  return waits;
}

/** Resolves `steps.<nodeId>.output` along a bundle's lineage (nearest ancestor wins). */
export function lineageSteps(ctx: RunContext, lineage: string | undefined): Record<string, { output: unknown }> {
  const steps: Record<string, { output: unknown }> = {};
  let cursor = lineage;
  for (let guard = 0; cursor && guard < 10_000; guard++) {
    const hash = cursor.lastIndexOf('#');
    const stepId = cursor.slice(0, hash);
    const index = Number(cursor.slice(hash + 1));
    const produced = ctx.outputs[stepId];
    if (!produced) break;
    if (!(produced.nodeId in steps)) steps[produced.nodeId] = { output: produced.bundles[index] };
    cursor = produced.lineage;
  }
  return steps;
}
