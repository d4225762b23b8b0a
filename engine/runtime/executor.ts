/**
 * Executes one step: builds the expression scope, resolves the node's
 * config, calls the node type's `run` under a timeout, applies the retry
 * policy and chooses the edges each output bundle takes. It returns the
 * machine event that describes what happened; it never touches the run
 * context itself.
 */
import { withDeadline } from '../http/deadline';
import type { HttpClient, LazyExpression, NodeContext, NodeLogger, NodeOutput, NodeRunResult, RunInfo } from '../../nodes/sdk';
import { isWait } from '../../nodes/sdk';
import type { CompiledEdge, CompiledNode, CompiledScenario, CompiledValue } from './compile';
import { ERROR_PORT } from './compile';
import { lineageSteps, nextAttempt, type RoutedOutput, type RunContext, type RunMachineEvent, type Token } from './dataflow';
import { retryDelay } from './retry';
import { redactor, type Redact } from './redact';

/** What the executor needs from the process it runs in. */
export interface ExecutorServices {
  http: HttpClient;
  secrets: Record<string, string>;
  vars: Record<string, unknown>;
  log: (level: 'debug' | 'info' | 'warn' | 'error', message: string, data: Record<string, unknown>) => void;
  dataDirs: string[];
  /** Default step timeout when the node sets none. */
  defaultTimeoutMs: number;
  saveArtifact?(runId: string, name: string, contentType: string, body: string | Uint8Array): Promise<void>;
  now?: () => number;
  random?: () => number;
}

type Scope = Record<string, unknown>;

// A run's identity does not change between its steps: built once per run context, frozen because every step
// (and every node) of the segment is handed the same object.
const runInfos = new WeakMap<RunContext, RunInfo>();

function runInfo(ctx: RunContext): RunInfo {
  let info = runInfos.get(ctx);
  if (!info) runInfos.set(ctx, (info = Object.freeze({ id: ctx.runId, scenarioId: ctx.scenarioId, startedAt: ctx.startedAt, request: ctx.request as RunInfo['request'] })));
  return info;
}

/** The names an expression sees (DESIGN.md "Expression scope"). */
export function buildScope(ctx: RunContext, node: CompiledNode, token: Token, services: ExecutorServices): Scope {
  return {
    input: token.input,
    trigger: ctx.trigger,
    steps: node.readsSteps ? lineageSteps(ctx, token.lineage) : {},
    vars: services.vars,
    run: runInfo(ctx),
  };
}

/**
 * A config value as the node gets it. Plain paths, comparisons and static values resolve at once; only a
 * value that needs JSONata's evaluator makes a promise — most steps of a scenario then resolve their
 * whole config without one (a promise and an async frame per value were a tenth of what a step allocated).
 */
function resolveValue(value: CompiledValue, scope: Scope): unknown {
  switch (value.kind) {
    case 'static':
      return value.value;
    case 'template':
      return value.template.resolve(scope);
    case 'expression':
      return value.expression.resolve(scope);
    case 'lazy': {
      const lazy: LazyExpression = {
        source: value.expression.source,
        evaluate: (bundle, extra) => value.expression.evaluate({ ...scope, secrets: undefined, input: bundle, ...extra }),
      };
      return lazy;
    }
    case 'array': {
      const items = value.items.map((item) => resolveValue(item, scope));
      const later = items.flatMap((item, i) => (isPromise(item) ? [settleInto(items, i, item)] : []));
      return later.length ? allInOrder(later).then(() => items) : items;
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      let later: Promise<void>[] | undefined;
      for (const [key, item] of value.entries) {
        const resolved = resolveValue(item, scope);
        out[key] = resolved; // keeps the key's place; a promise is replaced by its value below
        if (isPromise(resolved)) (later ??= []).push(settleInto(out, key, resolved));
      }
      return later ? allInOrder(later).then(() => out) : out;
    }
  }
}

function isPromise(value: unknown): value is Promise<unknown> {
  return value instanceof Promise;
}

async function settleInto<K extends string | number>(out: Record<K, unknown>, key: K, value: Promise<unknown>): Promise<void> {
  out[key] = await value;
}

/** Waits for all; when several fail, the error is the first in the config's order, as when they ran one by one. */
async function allInOrder(settling: Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(settling)).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * Chooses the edges a bundle leaving `port` takes (router mode, filters, `else`). At once when the subject
 * and every condition it reaches are plain paths or comparisons (a router's labels are); a promise otherwise.
 */
export function chooseEdges(compiled: CompiledScenario, node: CompiledNode, port: string, bundle: unknown, scope: Scope): number[] | Promise<number[]> {
  const edges: CompiledEdge[] = node.edges.get(port) ?? [];
  if (edges.length === 0) return [];
  if (edges.every((e) => !e.condition && !e.isElse)) return edges.map((e) => e.index);
  const subject = compiled.subjects.get(node.id);
  const value = subject ? subject.resolve(scope) : bundle;
  const firstOnly = node.type.behaviour === 'router' && ((node.definition.config as { mode?: string } | undefined)?.mode ?? 'first') === 'first';
  const walk = (v: unknown) => takeEdges(edges, { ...scope, input: bundle, value: v }, firstOnly, 0, [], false);
  return isPromise(value) ? value.then(walk) : walk(value);
}

/** Walks `edges` from `from` in order, synchronously until a condition needs JSONata's evaluator. */
function takeEdges(edges: CompiledEdge[], edgeScope: Scope, firstOnly: boolean, from: number, chosen: number[], matched: boolean): number[] | Promise<number[]> {
  for (let i = from; i < edges.length; i++) {
    const edge = edges[i];
    if (edge.isElse) continue;
    if (edge.condition) {
      if (firstOnly && matched) continue;
      const answer = edge.condition.resolve(edgeScope);
      if (isPromise(answer)) {
        return answer.then((taken) => {
          if (taken) chosen.push(edge.index);
          return takeEdges(edges, edgeScope, firstOnly, i + 1, chosen, matched || Boolean(taken));
        });
      }
      if (!answer) continue;
      matched = true;
    }
    chosen.push(edge.index);
  }
  if (!matched) for (const edge of edges) if (edge.isElse) chosen.push(edge.index);
  return chosen;
}

function normalise(result: NodeRunResult): NodeOutput[] {
  if (Array.isArray(result)) return result;
  return [result as NodeOutput];
}

// The closures made for every step come from small module-level factories rather than arrows
// assigned to a name: tsx compiles with esbuild's `keepNames`, which gives each such arrow an
// `Object.defineProperty` for its name every time it is created — ≈ 1.3% of the embedded
// server's main thread before this (docs/performance.md, seventh session).

function logAt(services: ExecutorServices, base: Record<string, unknown>, redact: Redact, level: 'debug' | 'info' | 'warn' | 'error') {
  return (message: string, data?: Record<string, unknown>) =>
    services.log(level, redact(message) as string, { ...base, ...((redact(data ?? {}) as object) ?? {}) });
}

function nodeLogger(services: ExecutorServices, base: Record<string, unknown>, redact: Redact): NodeLogger {
  return {
    debug: logAt(services, base, redact, 'debug'),
    info: logAt(services, base, redact, 'info'),
    warn: logAt(services, base, redact, 'warn'),
    error: logAt(services, base, redact, 'error'),
  };
}

function artifactSaver(services: ExecutorServices, runId: string) {
  return async (name: string, contentType: string, body: string | Uint8Array) => services.saveArtifact?.(runId, name, contentType, body);
}

/**
 * What a node's `run` receives. A class rather than an object literal so that the logger — four closures
 * that most steps never call — is only built when a node reads `log` (likewise `saveArtifact`).
 */
class StepContext implements NodeContext<unknown> {
  private logger?: NodeLogger;
  private saver?: NodeContext<unknown>['saveArtifact'];
  constructor(
    readonly input: unknown,
    readonly config: unknown,
    readonly secrets: Record<string, string>,
    readonly signal: AbortSignal,
    readonly idempotencyKey: string,
    readonly attempt: number,
    readonly run: RunInfo,
    readonly http: HttpClient,
    readonly nodeId: string,
    readonly settings: Record<string, unknown>,
    readonly dataDirs: string[],
    private readonly services: ExecutorServices,
    private readonly stepId: string,
    private readonly redact: Redact,
  ) {}

  get log(): NodeLogger {
    return (this.logger ??= nodeLogger(this.services, { runId: this.run.id, nodeId: this.nodeId, stepId: this.stepId }, this.redact));
  }

  // A getter too, so that `const { saveArtifact } = ctx` still works.
  get saveArtifact(): NodeContext<unknown>['saveArtifact'] {
    return (this.saver ??= artifactSaver(this.services, this.run.id));
  }
}

function rejectWithReason(reject: (reason: unknown) => void, signal: AbortSignal) {
  return () => reject(signal.reason);
}

class StepTimeoutError extends Error {
  constructor(ms: number) {
    super(`Step timed out after ${ms} ms`);
    this.name = 'StepTimeoutError';
  }
}

/** Runs `fn` until it settles or `signal` aborts, whichever comes first; a node that ignores its signal cannot hold the step. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = rejectWithReason(reject, signal);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}

/**
 * Templates are only typed once rendered: a `{{ vars.SMTP_PORT }}` where the
 * schema wants a number is checked (and coerced, and defaulted) here, against
 * the node type's schema, with the JSON path in the error. Fields that hold
 * expressions carry their values, not text, and are left out of the check.
 */
function checkResolved(node: CompiledNode, config: unknown): unknown {
  if (!node.hasTemplates || !config || typeof config !== 'object') return config;
  const values = config as Record<string, unknown>;
  const textual: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) if (!node.type.fieldKinds[key]?.includes('expression')) textual[key] = value;
  let parsed = node.type.config.safeParse(textual);
  if (!parsed.success && stringifyWhereTextIsExpected(textual, parsed.error.issues)) parsed = node.type.config.safeParse(textual);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw Object.assign(new Error(`config.${issue.path.join('.')}: ${issue.message} (after templates were filled in)`), { retryable: false });
  }
  return { ...values, ...(parsed.data as object) };
}

/** A one-placeholder template keeps its value's type; where the schema wants text, a number or boolean becomes text. */
function stringifyWhereTextIsExpected(values: Record<string, unknown>, issues: ReadonlyArray<{ code: string; path: PropertyKey[]; expected?: unknown }>): boolean {
  let changed = false;
  for (const issue of issues) {
    if (issue.code !== 'invalid_type' || issue.expected !== 'string' || issue.path.length === 0) continue;
    let parent: any = values;
    for (const key of issue.path.slice(0, -1)) parent = parent?.[key as string];
    const last = issue.path[issue.path.length - 1] as string;
    const value = parent?.[last];
    if (typeof value === 'number' || typeof value === 'boolean') {
      parent[last] = String(value);
      changed = true;
    }
  }
  return changed;
}

function maybeUntilAborted<T>(timed: boolean, promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return timed ? untilAborted(promise, signal) : promise;
}

/**
 * Executes the step for `token` and describes the outcome as a machine event.
 *
 * @example
 * const event = await executeStep(compiled, snapshot.context, token, services, signal);
 * snapshot = advance(machine, snapshot, event);
 */
export async function executeStep(
  compiled: CompiledScenario,
  ctx: RunContext,
  token: Token,
  services: ExecutorServices,
  runSignal: AbortSignal,
): Promise<RunMachineEvent> {
  const now = services.now ?? Date.now;
  const node = compiled.nodes.get(token.nodeId)!;
  const attempt = token.startedAttempt ?? nextAttempt(token);
  const startedAt = new Date(now()).toISOString();
  const redact = redactor(services.secrets);
  const scope = buildScope(ctx, node, token, services);
  const timeoutMs = node.definition.timeoutMs ?? services.defaultTimeoutMs;
  // Pure nodes cannot hang (their expressions have time limits), so they skip the timer and the
  // combined signal — a measurable share of a transform step's cost.
  const timed = !node.type.pure || node.definition.timeoutMs !== undefined;
  const deadline = timed ? withDeadline(runSignal, timeoutMs, () => new StepTimeoutError(timeoutMs)) : undefined;
  const signal = deadline?.signal ?? runSignal;
  try {
    let config: unknown = {};
    if (!node.definition.disabled) {
      const resolved = resolveValue(node.config, { ...scope, secrets: services.secrets });
      config = checkResolved(node, isPromise(resolved) ? await resolved : resolved);
    }
    const result = node.definition.disabled
      ? ({ output: token.input } as NodeOutput)
      : await maybeUntilAborted(
          timed,
          Promise.resolve(
            node.type.run(
              new StepContext(
                token.input,
                config,
                services.secrets,
                signal,
                `${ctx.runId}:${token.id}`,
                attempt,
                runInfo(ctx),
                services.http,
                node.id,
                (compiled.scenario.settings ?? {}) as Record<string, unknown>,
                services.dataDirs,
                services,
                token.id,
                redact,
              ) as unknown as NodeContext<never>,
            ),
          ),
          signal,
        );
    if (isWait(result)) {
      return { type: 'STEP.WAIT', tokenId: token.id, kind: result.wait.kind, startedAt, ...(result.wait.kind === 'delay' ? { until: result.wait.until } : { reviewers: result.wait.reviewers, message: result.wait.message }) };
    }
    const outputs: RoutedOutput[] = [];
    for (const out of normalise(result)) {
      const port = out.port ?? 'out';
      const output = redact(out.output);
      const edges = chooseEdges(compiled, node, port, output, scope);
      outputs.push({ output, port, edges: isPromise(edges) ? await edges : edges });
    }
    return { type: 'STEP.SUCCEEDED', tokenId: token.id, outputs, attempts: attempt, startedAt, finishedAt: new Date(now()).toISOString() };
  } catch (caught) {
    const error = caught as Error & { code?: string; retryAfterMs?: number; retryable?: boolean };
    const message = redact(error?.message ?? String(caught)) as string;
    const failure = { message, ...(error?.code ? { code: String(error.code) } : {}) };
    const finishedAt = new Date(now()).toISOString();
    if (runSignal.aborted) {
      return { type: 'STEP.FAILED', tokenId: token.id, error: { message: 'Run cancelled', code: 'cancelled' }, attempts: attempt, startedAt, finishedAt };
    }
    const delay = error?.retryable === false ? undefined : retryDelay(node.definition.retry, attempt, error?.retryAfterMs, services.random ?? Math.random);
    if (delay !== undefined) {
      return { type: 'STEP.FAILED', tokenId: token.id, error: failure, attempts: attempt, startedAt, finishedAt, retryAt: now() + delay };
    }
    const errorEdges = (node.edges.get(ERROR_PORT) ?? []).map((e) => e.index);
    if (errorEdges.length === 0 && node.definition.onError === 'resume') {
      const output = node.definition.errorOutput ?? null;
      const edges = await chooseEdges(compiled, node, 'out', output, scope);
      return { type: 'STEP.SUCCEEDED', tokenId: token.id, outputs: [{ output, port: 'out', edges }], attempts: attempt, startedAt, finishedAt, status: 'resumed', error: failure, note: "Error replaced by the node's errorOutput" };
    }
    return { type: 'STEP.FAILED', tokenId: token.id, error: failure, attempts: attempt, startedAt, finishedAt, errorEdges };
  } finally {
    deadline?.done();
  }
}

/** Routes a finished wait (a delay elapsed, an approval decided) through the edges of its port. */
export async function routeWaitOutput(compiled: CompiledScenario, ctx: RunContext, token: Token, port: string, output: unknown, services: ExecutorServices): Promise<number[]> {
  const node = compiled.nodes.get(token.nodeId)!;
  return chooseEdges(compiled, node, port, output, buildScope(ctx, node, token, services));
}
