/** Runs the `switchyard` command as a user does: a real child process, with its exit code and both streams. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = path.resolve('bin/switchyard.js');

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * @example const { code, stderr } = await switchyard(['validate', 'hello.json'], { SWITCHYARD_NODES: dir }, { cwd: dir });
 */
export async function switchyard(args: string[], env: NodeJS.ProcessEnv = {}, options: { cwd?: string } = {}): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, cwd: options.cwd, timeout: 170_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A user error is reported without a stack trace: no line of the output looks like a stack frame. */
export const STACK_FRAME = /^\s+at /m;
