/**
 * Where customer data comes from: files inside the allowed data folders
 * (CSV, NDJSON or JSON, streamed row by row) or a SQL query. Each source
 * yields raw rows with the row number a person would look for.
 */
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';

export type FileFormat = 'csv' | 'ndjson' | 'json';

/** A raw row and where it was found. */
export interface SourceRow {
  row: number;
  values: Record<string, unknown>;
}

function inside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Resolves a data file path and refuses one that leaves the allowed folders,
 * whether by `..`, an absolute path or a symlink (checked on the real path).
 * Relative paths are looked up in each allowed folder in turn, then from
 * the working directory — still only inside the allowed folders.
 *
 * @example await resolveDataPath('customers.csv', ['/srv/data']) // → '/srv/data/customers.csv'
 */
export async function resolveDataPath(file: string, dataDirs: ReadonlyArray<string>): Promise<string> {
  if (dataDirs.length === 0) throw new Error(`Cannot read "${file}": no data folders are allowed (set SWITCHYARD_DATA_DIR)`);
  const roots: string[] = [];
  for (const dir of dataDirs) {
    try {
      roots.push(await realpath(path.resolve(dir)));
    } catch {
      // A configured folder that does not exist simply allows nothing.
    }
  }
  // A relative path is tried inside each data folder, then from the working directory (for "examples/data/…").
  const candidates = path.isAbsolute(file) ? [file] : [...dataDirs.map((dir) => path.resolve(dir, file)), path.resolve(file)];
  for (const candidate of candidates) {
    // Compare the lexical path first so `..` is refused even when the target does not exist.
    if (!dataDirs.some((dir) => inside(path.resolve(dir), path.resolve(candidate)))) continue;
    let real: string;
    try {
      real = await realpath(candidate);
    } catch {
      continue;
    }
    if (!roots.some((root) => inside(root, real))) {
      throw new Error(`Cannot read "${file}": it leads outside the allowed data folders (${dataDirs.join(', ')}) through a symlink`);
    }
    if (!(await stat(real)).isFile()) throw new Error(`Cannot read "${file}": not a file`);
    return real;
  }
  const escapes = candidates.every((c) => !dataDirs.some((dir) => inside(path.resolve(dir), path.resolve(c))));
  if (escapes) throw new Error(`Cannot read "${file}": it is outside the allowed data folders (${dataDirs.join(', ')})`);
  throw new Error(`Cannot read "${file}": no such file in the allowed data folders (${dataDirs.join(', ')})`);
}

/** The format a file name implies. */
export function formatOf(file: string): FileFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  if (ext === '.json') return 'json';
  throw new Error(`Cannot tell the format of "${path.basename(file)}": use .csv, .ndjson/.jsonl or .json, or set "format"`);
}

/**
 * Streams the rows of a data file. CSV rows are numbered as a spreadsheet
 * shows them (the header is row 1); NDJSON rows by line; JSON arrays by
 * position (1-based).
 *
 * @example for await (const { row, values } of readRows('/srv/data/orders.csv', 'csv')) …
 */
export async function* readRows(file: string, format: FileFormat): AsyncGenerator<SourceRow> {
  const name = path.basename(file);
  if (format === 'csv') {
    const parser = createReadStream(file).pipe(parse({ columns: true, bom: true, skip_empty_lines: true, info: true, relax_column_count: false }));
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
        yield { row: info.lines, values: record };
      }
    } catch (error) {
      const e = error as { message: string; lines?: number };
      throw new Error(`${name}${e.lines ? ` row ${e.lines}` : ''}: ${e.message}`, { cause: error });
    }
    return;
  }
  if (format === 'ndjson') {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    let n = 0;
    for await (const line of lines) {
      n++;
      if (!line.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw new Error(`${name} line ${n}: not valid JSON (${(error as Error).message})`, { cause: error });
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${name} line ${n}: expected a JSON object`);
      yield { row: n, values: value as Record<string, unknown> };
    }
    return;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${name}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (!Array.isArray(doc)) throw new Error(`${name}: expected a JSON array of objects`);
  for (let i = 0; i < doc.length; i++) {
    const value = doc[i];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${name} row ${i + 1}: expected a JSON object`);
    yield { row: i + 1, values: value as Record<string, unknown> };
  }
}

/** Anything that answers a SQL query with rows: a `pg` Client or Pool, or a PGlite database. */
export interface SqlQueryable {
  query(sql: string): Promise<{ rows: unknown[] }>;
}

/**
 * Runs a query and yields its rows numbered from 1.
 *
 * @example for await (const r of queryRows(new PGlite(), 'select * from customers')) …
 */
export async function* queryRows(db: SqlQueryable, sql: string): AsyncGenerator<SourceRow> {
  const { rows } = await db.query(sql);
  for (let i = 0; i < rows.length; i++) yield { row: i + 1, values: rows[i] as Record<string, unknown> };
}
