/**
 * JSONata expressions: compiled once per scenario version, evaluated under
 * limits — JSONata's own stack-depth and sequence-size guardrails, and a
 * time limit on the evaluation's own time — so that hostile text — unbounded recursion, huge ranges —
 * stops with an error instead of hanging the worker. User text is never
 * passed to eval, new Function or vm.
 */
import { FALL_BACK, fastEvaluator, type FastEvaluator } from './fast-path';
import { plainResult } from './plain-result';
import jsonata from 'jsonata';

/** Limits for one evaluation. */
export interface EvaluationLimits {
  /** Wall-clock budget in milliseconds. */
  timeoutMs: number;
  /** Maximum nesting of evaluation frames (recursion depth). */
  maxDepth: number;
  /** Largest sequence an expression may build. */
  maxSequence: number;
}

/**
 * The time limit is generous on purpose: it stops runaway expressions, and on
 * a busy worker the microtasks of other runs interleave with an evaluation
 * and count towards its time.
 */
export const DEFAULT_LIMITS: EvaluationLimits = {
  timeoutMs: Number(process.env.SWITCHYARD_EXPRESSION_TIMEOUT_MS ?? 5000),
  maxDepth: 500,
  maxSequence: Number(process.env.SWITCHYARD_EXPRESSION_MAX_SEQUENCE ?? 1_000_000),
};

/** A parse or evaluation problem, with the character position in the expression. */
export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly position: number | undefined,
    readonly source: string,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

const MESSAGES: Record<string, (value: unknown) => string> = {
  D1011: (v) => `Expression nests deeper than ${v} levels`,
  D1012: (v) => `Expression took longer than ${v} ms`,
  D2015: (v) => `Expression built too large a sequence (${v} items; the limit is set by SWITCHYARD_EXPRESSION_MAX_SEQUENCE)`,
};

const ENTRY = Symbol.for('jsonata.__evaluate_entry');
const CLOCK = '__switchyardClock';
/** How long an evaluation may hold the event loop before it lets other runs go on. */
const SLICE_MS = 10;

/** One evaluation's own running time, not counting the time it spent yielded to other runs. */
interface Clock {
  limitMs: number;
  ownMs: number;
  sliceStart: number;
}

/**
 * JSONata evaluates through a chain of promises that never returns to the
 * event loop, so a slow expression would stall every other run in the
 * process. Every few milliseconds this hook yields; and because JSONata's own
 * timeout counts wall-clock time — including those yields, which on a busy
 * worker can be long — the time limit is enforced here on the evaluation's
 * own time instead.
 */
function timeAndYield(_expr: unknown, _input: unknown, environment: { lookup(name: string): unknown }) {
  const clock = environment.lookup(CLOCK) as Clock | undefined;
  if (!clock) return undefined;
  const now = Date.now();
  const slice = now - clock.sliceStart;
  if (clock.ownMs + slice > clock.limitMs) throw { code: 'D1012', value: clock.limitMs };
  if (slice < SLICE_MS) return undefined;
  clock.ownMs += slice;
  return new Promise<void>((resolve) =>
    setImmediate(() => {
      clock.sliceStart = Date.now();
      resolve();
    }),
  );
}

function toError(error: unknown, source: string, fallbackCode: string): ExpressionError {
  const e = error as { message?: string; code?: string; position?: number; value?: unknown };
  const code = e.code ?? fallbackCode;
  const message = MESSAGES[code]?.(e.value) ?? e.message ?? String(error);
  return new ExpressionError(message, code, e.position, source);
}

/** A compiled JSONata expression. */
export class Expression {
  private readonly compiled: jsonata.Expression;
  private readonly limitMs: number;
  /** For a plain path or comparison: its value without JSONata's evaluator (`fast-path.ts`). */
  private readonly fast: FastEvaluator | undefined;

  /**
   * Parses `source`; throws {@link ExpressionError} with the position of the problem.
   *
   * @example await new Expression('input.score > 0.7').evaluate({ input: { score: 0.9 } }) // → true
   */
  constructor(
    readonly source: string,
    limits: EvaluationLimits = DEFAULT_LIMITS,
  ) {
    this.limitMs = limits.timeoutMs;
    try {
      this.compiled = jsonata(source, { stack: limits.maxDepth, sequence: limits.maxSequence } as jsonata.JsonataOptions);
    } catch (error) {
      throw toError(error, source, 'S0000');
    }
    this.compiled.assign(ENTRY as unknown as string, timeAndYield);
    this.fast = fastEvaluator(this.compiled.ast());
  }

  /**
   * The value at once when the fast path gives it, else a promise of JSONata's answer: the engine resolves
   * a step's config and its edges without a promise per value when they are plain paths or comparisons.
   *
   * @example new Expression('input.score').resolve({ input: { score: 0.9 } }) // → 0.9, not a promise
   */
  resolve(scope: Record<string, unknown>): unknown {
    const value = this.fast ? this.fast(scope) : FALL_BACK;
    return value === FALL_BACK ? this.evaluateSlowly(scope) : value;
  }

  /** Evaluates against `scope` (its keys are the names an expression sees: input, trigger, steps, vars, run, …). */
  async evaluate(scope: Record<string, unknown>): Promise<unknown> {
    return this.resolve(scope);
  }

  private async evaluateSlowly(scope: Record<string, unknown>): Promise<unknown> {
    try {
      const clock: Clock = { limitMs: this.limitMs, ownMs: 0, sliceStart: Date.now() };
      const result = await this.compiled.evaluate(scope, { [CLOCK]: clock });
      // JSONata marks sequences (at any depth) with extra properties; hand out plain arrays.
      return plainResult(result);
    } catch (error) {
      throw toError(error, this.source, 'D0000');
    }
  }
}

/** Parses without keeping the result: returns the problem, or undefined when the text is valid JSONata. */
export function checkExpression(source: string): ExpressionError | undefined {
  try {
    new Expression(source);
    return undefined;
  } catch (error) {
    return error as ExpressionError;
  }
}
