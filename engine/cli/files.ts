/**
 * Reading the files named on the command line. A file that cannot be read
 * or does not parse is the user's to fix, so it becomes a `UsageError`
 * naming the file (and, for JSON, the line and column), never a stack trace.
 */
import { readFile } from 'node:fs/promises';
import { parseJson } from '../import/json-text';
import { ImportError } from '../import/types';
import { UsageError } from './errors';

/** Plain words for the errors a user meets when naming a file. */
const FILE_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'no such file (a part of the path is not a directory)',
};

/** A file that could not be read; `code` tells `run` a missing file from an unreadable one. */
export class FileError extends UsageError {
  constructor(
    readonly file: string,
    readonly code: string,
    reason: unknown,
  ) {
    super(`${file}: ${FILE_PROBLEMS[code] ?? (reason as Error).message}`, reason);
    this.name = 'FileError';
  }
}

/**
 * @example await readText('diagram.txt') // throws FileError "diagram.txt: no such file" when it is missing
 */
export async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code) throw new FileError(file, code, error);
    throw error;
  }
}

/**
 * @example await readJson('input.json') // throws UsageError "input.json: line 2, column 9: Invalid JSON: …"
 */
export async function readJson(file: string): Promise<unknown> {
  const text = await readText(file);
  try {
    return parseJson(text);
  } catch (error) {
    if (error instanceof ImportError) throw new UsageError(`${file}: ${error.message}`, error);
    throw error;
  }
}
