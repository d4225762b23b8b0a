/**
 * JSONata expressions: compiled once per scenario version, evaluated with
 * time and depth budgets so that hostile text (unbounded recursion, huge
 * ranges) stops with an error instead of stalling the worker. User text is
 * never passed to eval, new Function or vm.
 */
import jsonata from 'jsonata';

/** Limits for one evaluation. */
export interface EvaluationLimits {
  /** Wall-clock budget in milliseconds. */
  timeoutMs: number;
  /** Maximum nesting of evaluation frames (recursion depth). */
  maxDepth: number;
}

export const DEFAULT_LIMITS: EvaluationLimits = { timeoutMs: 1000, maxDepth: 500 };

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

interface Budget {
  deadline: number;
  depth: number;
  maxDepth: number;
  checks: number;
}

const BUDGET = '__switchyardBudget';
const ENTRY = Symbol.for('jsonata.__evaluate_entry');
const EXIT = Symbol.for('jsonata.__evaluate_exit');

function onEntry(_expr: unknown, _input: unknown, environment: { lookup(name: string): unknown }) {
  const budget = environment.lookup(BUDGET) as Budget | undefined;
  if (!budget) return;
  budget.depth++;
  if (budget.depth > budget.maxDepth) {
    throw Object.assign(new Error(`Expression nests deeper than ${budget.maxDepth} levels`), { code: 'SY001' });
  }
  // Date.now() is cheap but not free; look at the clock every 64 entries.
  if ((++budget.checks & 63) === 0 && Date.now() > budget.deadline) {
    throw Object.assign(new Error('Expression took too long'), { code: 'SY002' });
  }
}

function onExit(_expr: unknown, _input: unknown, environment: { lookup(name: string): unknown }) {
  const budget = environment.lookup(BUDGET) as Budget | undefined;
  if (budget) budget.depth--;
}

/** JSONata marks result sequences with extra properties; hand out plain arrays. */
function plain(value: unknown): unknown {
  if (Array.isArray(value) && (value as any).sequence) return Array.from(value);
  return value;
}

/** A compiled JSONata expression. */
export class Expression {
  private readonly compiled: jsonata.Expression;

  /**
   * Parses `source`; throws {@link ExpressionError} with the position of the problem.
   *
   * @example new Expression('input.score > 0.7').evaluate({ input: { score: 0.9 } }) // → true
   */
  constructor(readonly source: string) {
    try {
      this.compiled = jsonata(source);
    } catch (error) {
      const e = error as { message: string; code?: string; position?: number };
      throw new ExpressionError(e.message, e.code ?? 'S0000', e.position, source);
    }
    this.compiled.assign(ENTRY as unknown as string, onEntry);
    this.compiled.assign(EXIT as unknown as string, onExit);
  }

  /** Evaluates against `scope` (its keys are the names an expression sees: input, trigger, steps, vars, run, …). */
  async evaluate(scope: Record<string, unknown>, limits: EvaluationLimits = DEFAULT_LIMITS): Promise<unknown> {
    const budget: Budget = { deadline: Date.now() + limits.timeoutMs, depth: 0, maxDepth: limits.maxDepth, checks: 0 };
    try {
      return plain(await this.compiled.evaluate(scope, { [BUDGET]: budget }));
    } catch (error) {
      const e = error as { message: string; code?: string; position?: number };
      throw new ExpressionError(e.message, e.code ?? 'D0000', e.position, this.source);
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
