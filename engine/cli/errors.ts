/**
 * How the command line reports a failure. A mistake in what the user gave
 * (a missing file, JSON that does not parse, a diagram with a typo, a bad
 * option, an environment override that does not read) is one line naming
 * the problem and where, and exit 2 — the contract `validate` set for invalid
 * input. A service the environment names (Redis, PostgreSQL) that cannot be
 * reached at start-up is one line too, with its own exit 3: nothing is wrong
 * with the command, so a supervisor may simply start it again later.
 * Anything else is a bug in Switchyard: its stack is printed, exit 1.
 * `SWITCHYARD_DEBUG=1` prints the stack of the one-line errors as well.
 */
import { NodeFileError } from '../../nodes/custom-folders';
import { DiagramExportError } from '../import/diagram/export-error';
import { ImportError } from '../import/types';
import { VarOverrideError } from '../runtime/var-overrides';
import { ServiceUnreachableError } from './service-check';

/** A mistake in the command line or in what it names; the message says what and where. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The error this one explains, for `SWITCHYARD_DEBUG=1`. */
    readonly reason?: unknown,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit code for invalid input (DESIGN.md's CLI contract: `validate` exits 2 on problems). */
export const EXIT_INVALID_INPUT = 2;
/** Exit code for a run that did not succeed, and for an internal failure. */
export const EXIT_FAILED = 1;
/** Exit code for a service (Redis, PostgreSQL) that `serve` or `worker` cannot reach at start-up. */
export const EXIT_SERVICE_UNAVAILABLE = 3;

/** The one-line message of a failure the user can fix, or undefined for a bug. */
function userMessage(error: unknown): string | undefined {
  const userErrors = [UsageError, ImportError, VarOverrideError, NodeFileError, DiagramExportError, ServiceUnreachableError];
  if (userErrors.some((kind) => error instanceof kind)) return (error as Error).message;
  const { code, syscall, message, address, port } = (error ?? {}) as NodeJS.ErrnoException & { address?: string; port?: number };
  // node:util parseArgs: an unknown option, a missing value, a value given to a flag.
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) return `${message} (see switchyard --help)`;
  // `serve` on a port that is taken (or not allowed): the port is the user's choice.
  if (syscall === 'listen') return `switchyard serve: cannot listen on ${address}:${port} (${code}); choose another port with --port or PORT`;
  return undefined;
}

/**
 * What to print for a failure that ended a command, and the exit code.
 *
 * @example failureReport(new UsageError('hello.json: no such file'), {}) // → { text: 'hello.json: no such file', exitCode: 2 }
 */
export function failureReport(error: unknown, env: NodeJS.ProcessEnv): { text: string; exitCode: number } {
  const message = userMessage(error);
  const stackOf = (e: unknown) => (e instanceof Error && e.stack) || String(e);
  if (message === undefined) return { text: `switchyard: internal error, please report it:\n${stackOf(error)}`, exitCode: EXIT_FAILED };
  const exitCode = error instanceof ServiceUnreachableError ? EXIT_SERVICE_UNAVAILABLE : EXIT_INVALID_INPUT;
  if (env.SWITCHYARD_DEBUG !== '1') return { text: message, exitCode };
  const causes =
    error instanceof UsageError && error.reason !== undefined
      ? [error.reason]
      : error instanceof ServiceUnreachableError
        ? error.services.map((s) => s.cause)
        : [];
  return { text: [message, stackOf(error), ...causes.map(stackOf)].join('\n'), exitCode };
}
