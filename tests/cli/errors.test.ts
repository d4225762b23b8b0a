/**
 * How a failure that ends a command is reported: the user's mistakes in one
 * line with exit 2, Switchyard's own bugs with their stack and exit 1.
 */
import { describe, expect, it } from 'vitest';
import { failureReport, UsageError } from '../../engine/cli/errors';
import { STACK_FRAME } from './switchyard';

describe('failureReport', () => {
  it('keeps the stack trace of an unexpected error, which is a bug to report, and exits 1', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'nodes')");
    const { text, exitCode } = failureReport(bug, {});
    expect(exitCode).toBe(1);
    expect(text.split('\n')[0]).toBe('switchyard: internal error, please report it:');
    expect(text).toContain("TypeError: Cannot read properties of undefined (reading 'nodes')");
    expect(text).toMatch(STACK_FRAME);
  });

  it("reports a user's mistake in one line, with its stack and its cause's only under SWITCHYARD_DEBUG=1", () => {
    const cause = new Error('ENOENT: no such file or directory');
    const error = new UsageError('input.json: no such file', cause);
    expect(failureReport(error, {})).toEqual({ text: 'input.json: no such file', exitCode: 2 });
    const debug = failureReport(error, { SWITCHYARD_DEBUG: '1' });
    expect(debug.exitCode).toBe(2);
    expect(debug.text.split('\n')[0]).toBe('input.json: no such file');
    expect(debug.text).toContain('Error: ENOENT: no such file or directory');
  });

  it('names a port that serve cannot listen on', () => {
    const taken = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:3000'), { code: 'EADDRINUSE', syscall: 'listen', address: '127.0.0.1', port: 3000 });
    expect(failureReport(taken, {})).toEqual({ text: 'switchyard serve: cannot listen on 127.0.0.1:3000 (EADDRINUSE); choose another port with --port or PORT', exitCode: 2 });
  });
});
