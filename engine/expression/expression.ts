/**
 * JSONata expressions: compiled once per scenario version, evaluated under
 * JSONata's own guardrails (a time limit, a stack-depth limit and a cap on
 * sequence sizes) so that hostile text — unbounded recursion, huge ranges —
 * stops with an error instead of hanging the worker. User text is never
 * passed to eval, new Function or vm.
 */
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

export const DEFAULT_LIMITS: EvaluationLimits = {
  timeoutMs: Number(process.env.SWITCHYARD_EXPRESSION_TIMEOUT_MS ?? 1000),
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
const LAST_YIELD = '__switchyardLastYield';
/** How long an evaluation may hold the event loop before it lets other runs go on. */
const SLICE_MS = 10;

/**
 * JSONata evaluates through a chain of promises that never returns to the
 * event loop, so a slow expression would stall every other run in the
 * process until its time limit. Every few milliseconds this hook yields.
 */
function yieldNowAndThen(_expr: unknown, _input: unknown, environment: { lookup(name: string): unknown }) {
  const last = environment.lookup(LAST_YIELD) as { at: number } | undefined;
  if (!last) return undefined;
  const now = Date.now();
  if (now - last.at < SLICE_MS) return undefined;
  last.at = now;
  return new Promise<void>((resolve) => setImmediate(resolve));
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

  /**
   * Parses `source`; throws {@link ExpressionError} with the position of the problem.
   *
   * @example await new Expression('input.score > 0.7').evaluate({ input: { score: 0.9 } }) // → true
   */
  constructor(
    readonly source: string,
    limits: EvaluationLimits = DEFAULT_LIMITS,
  ) {
    try {
      this.compiled = jsonata(source, { timeout: limits.timeoutMs, stack: limits.maxDepth, sequence: limits.maxSequence } as jsonata.JsonataOptions);
    } catch (error) {
      throw toError(error, source, 'S0000');
    }
    this.compiled.assign(ENTRY as unknown as string, yieldNowAndThen);
  }

  /** Evaluates against `scope` (its keys are the names an expression sees: input, trigger, steps, vars, run, …). */
  async evaluate(scope: Record<string, unknown>): Promise<unknown> {
    try {
      const result = await this.compiled.evaluate(scope, { [LAST_YIELD]: { at: Date.now() } });
      // JSONata marks result sequences with extra properties; hand out plain arrays.
      return Array.isArray(result) && (result as { sequence?: boolean }).sequence ? Array.from(result) : result;
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
