/**
 * Opaque run-list cursors. A cursor names the last run of a page by
 * (startedAt, id), the list's sort key, so paging is stable while new runs
 * arrive and old ones are pruned.
 */

/** Thrown for a cursor this server did not issue; the API answers 400. */
export class InvalidCursorError extends Error {
  readonly code = 'invalid_cursor';
  constructor() {
    super('cursor is not one this server issued; pass the nextCursor of the previous page');
  }
}

export interface RunCursor {
  startedAt: string;
  id: string;
}

/**
 * @example encodeCursor({ startedAt: '2026-01-01T00:00:00.000Z', id: 'run_1' }) // 'WyIyMDI2…'
 */
export function encodeCursor(cursor: RunCursor): string {
  return Buffer.from(JSON.stringify([cursor.startedAt, cursor.id])).toString('base64url');
}

/**
 * @example decodeCursor(encodeCursor(c)) // c
 */
export function decodeCursor(text: string): RunCursor {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[1] === 'string' && !Number.isNaN(Date.parse(value[0]))) {
      return { startedAt: value[0], id: value[1] };
    }
  } catch {
    // fall through: any undecodable text is the same mistake to the caller
  }
  throw new InvalidCursorError();
}
