/**
 * Declared column schemas for customers, orders and events, and the per-row
 * check that turns raw CSV text, JSON values or SQL values into typed records
 * — or into an error that names the source, the row and the field.
 */

/** Column types; a trailing `?` makes the column optional (`"email?"`). */
export type ColumnType = 'string' | 'email' | 'phone' | 'date' | 'number' | 'integer' | 'boolean' | 'list';
export type ColumnSpec = ColumnType | `${ColumnType}?`;
export type TableSchema = Record<string, ColumnSpec>;
export type TableName = 'customers' | 'orders' | 'events';

export const COLUMN_TYPES: ReadonlyArray<ColumnType> = ['string', 'email', 'phone', 'date', 'number', 'integer', 'boolean', 'list'];

/** The columns each table must (or may) have; other columns are kept as they are. */
export const DEFAULT_SCHEMAS: Record<TableName, TableSchema> = {
  customers: {
    id: 'string',
    email: 'email?',
    phone: 'phone?',
    name: 'string?',
    country: 'string?',
    signupDate: 'date?',
    consent: 'list?',
    birthYear: 'integer?',
    gender: 'string?',
  },
  orders: { orderId: 'string', customerId: 'string', date: 'date', amount: 'number', category: 'string?' },
  events: { customerId: 'string', type: 'string', ts: 'date', converted: 'boolean?', revenue: 'number?' },
};

/** A row that failed its schema. */
export class RowError extends Error {
  constructor(
    readonly source: string,
    readonly row: number,
    readonly field: string,
    readonly problem: string,
  ) {
    // The value is left out on purpose: rows hold personal data and errors end up in logs.
    super(`${source} row ${row}, field "${field}": ${problem}`);
    this.name = 'RowError';
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** Converts one value to its column type; returns the value or a problem text. */
function convert(type: ColumnType, value: unknown): { value: unknown } | { problem: string } {
  switch (type) {
    case 'string':
      return { value: typeof value === 'string' ? value : String(value) };
    case 'email': {
      const text = String(value);
      return EMAIL.test(text.trim()) ? { value: text } : { problem: 'not an email' };
    }
    case 'phone': {
      const text = String(value);
      const digits = text.replace(/\D/g, '');
      if (!/^[+\d\s().\-/]+$/.test(text.trim())) return { problem: 'not a phone number (only digits, spaces, + ( ) . - / allowed)' };
      return digits.length >= 6 && digits.length <= 15 ? { value: text } : { problem: `not a phone number (${digits.length} digits, expected 6–15)` };
    }
    case 'date': {
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? { problem: 'not a date' } : { value: value.toISOString() };
      const text = String(value).trim();
      return /^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(Date.parse(text)) ? { value: text } : { problem: 'not a date (expected YYYY-MM-DD or an ISO date-time)' };
    }
    case 'number':
    case 'integer': {
      const n = typeof value === 'number' ? value : Number(String(value).trim());
      if (!Number.isFinite(n)) return { problem: 'not a number' };
      if (type === 'integer' && !Number.isInteger(n)) return { problem: 'not a whole number' };
      return { value: n };
    }
    case 'boolean': {
      if (typeof value === 'boolean') return { value };
      const text = String(value).trim().toLowerCase();
      if (['true', 'yes', 'y', '1'].includes(text)) return { value: true };
      if (['false', 'no', 'n', '0'].includes(text)) return { value: false };
      return { problem: 'not true/false' };
    }
    case 'list': {
      if (Array.isArray(value)) return { value: value.map(String) };
      return { value: String(value).split(/[;|]/).map((s) => s.trim()).filter(Boolean) };
    }
  }
}

/** Parses `"email?"` into its type and whether it is required. */
export function parseColumnSpec(spec: string): { type: ColumnType; required: boolean } {
  const required = !spec.endsWith('?');
  const type = (required ? spec : spec.slice(0, -1)) as ColumnType;
  if (!COLUMN_TYPES.includes(type)) throw new Error(`Unknown column type "${spec}" (use ${COLUMN_TYPES.join(', ')}, with ? for optional)`);
  return { type, required };
}

/**
 * Checks and converts one row. Blank optional fields are left out; columns
 * the schema does not mention pass through unchanged.
 *
 * @example validateRow({ id: 'C1', email: 'ada@' }, DEFAULT_SCHEMAS.customers, 'customers.csv', 17)
 * // throws RowError: customers.csv row 17, field "email": not an email
 */
export function validateRow(raw: Record<string, unknown>, schema: TableSchema, source: string, row: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (!(key in schema) && !isBlank(value)) out[key] = value;
  for (const [field, spec] of Object.entries(schema)) {
    const { type, required } = parseColumnSpec(spec);
    const value = raw[field];
    if (isBlank(value)) {
      if (required) throw new RowError(source, row, field, 'missing');
      continue;
    }
    const result = convert(type, value);
    if ('problem' in result) throw new RowError(source, row, field, result.problem);
    out[field] = result.value;
  }
  return out;
}
