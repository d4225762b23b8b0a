/** Reads one table from a source, checking every row against its schema. */
import { RowError, validateRow, type TableSchema } from './columns';
import type { SourceRow } from './sources';

/** What happens to a row that fails its schema. */
export type InvalidRowPolicy = 'fail' | 'skip';

export interface LoadedTable {
  records: Record<string, unknown>[];
  rows: number;
  skipped: number;
  /** The first problems found (at most 50), each naming the row and field. */
  problems: string[];
}

const MAX_PROBLEMS = 50;

/**
 * Collects the rows of a source into typed records.
 *
 * @example const { records } = await loadTable(readRows(file, 'csv'), DEFAULT_SCHEMAS.orders, 'orders.csv', 'fail');
 */
export async function loadTable(rows: AsyncIterable<SourceRow>, schema: TableSchema, source: string, policy: InvalidRowPolicy): Promise<LoadedTable> {
  const table: LoadedTable = { records: [], rows: 0, skipped: 0, problems: [] };
  for await (const { row, values } of rows) {
    table.rows++;
    try {
      table.records.push(validateRow(values, schema, source, row));
    } catch (error) {
      if (!(error instanceof RowError)) throw error;
      if (policy === 'fail') throw Object.assign(new Error(`${error.message} (set onInvalidRow to "skip" to leave such rows out)`), { retryable: false });
      table.skipped++;
      if (table.problems.length < MAX_PROBLEMS) table.problems.push(error.message);
    }
  }
  return table;
}
