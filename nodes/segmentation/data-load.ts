/**
 * `data.load`: customers, orders and events — and optionally the same for
 * the prior period — from CSV, NDJSON or JSON files in the allowed data
 * folders, or from SQL queries, every row checked against a column schema.
 */
import path from 'node:path';
import pg from 'pg';
import { defineNode, template, z } from '../sdk';
import { COLUMN_TYPES, DEFAULT_SCHEMAS, parseColumnSpec, type TableName, type TableSchema } from './data/columns';
import { loadTable, type InvalidRowPolicy, type LoadedTable } from './data/load-table';
import { formatOf, queryRows, readRows, resolveDataPath, type SqlQueryable } from './data/sources';
import type { Customer, CustomerEvent, Order, PeriodData } from './types';

const tableSource = z.union([
  template('Path of a .csv, .ndjson or .json file inside the data folders'),
  z.strictObject({
    path: template('Path of the file inside the data folders').optional(),
    query: z.string().optional().describe('SQL query (needs connectionString)'),
    format: z.enum(['csv', 'ndjson', 'json']).optional().describe('Overrides the format the file extension implies'),
  }),
]);

const periodSources = {
  customers: tableSource,
  orders: tableSource.optional(),
  events: tableSource.optional(),
  asOf: template('Reference date of the period (YYYY-MM-DD); segment steps measure from it').optional(),
};

const columnSpec = z.string().refine((s) => COLUMN_TYPES.includes(s.replace(/\?$/, '') as never), {
  message: `Use one of ${COLUMN_TYPES.join(', ')}, with ? for optional`,
});

const configSchema = z.object({
  ...periodSources,
  prior: z.strictObject(periodSources).optional().describe('The same tables as they were one period earlier (last quarter)'),
  connectionString: template('PostgreSQL URL for SQL sources, e.g. {{ secrets.CRM_DB_URL }}').optional(),
  columns: z
    .object({ customers: z.record(z.string(), columnSpec).optional(), orders: z.record(z.string(), columnSpec).optional(), events: z.record(z.string(), columnSpec).optional() })
    .optional()
    .describe('Column types added to or replacing the defaults, e.g. { "customers": { "loyaltyTier": "string?" } }'),
  onInvalidRow: z.enum(['fail', 'skip']).default('fail'),
});

type Config = z.output<typeof configSchema>;
type Source = z.output<typeof tableSource>;

interface LoadContext {
  dataDirs: string[];
  policy: InvalidRowPolicy;
  columns: Config['columns'];
  db?: () => Promise<SqlQueryable>;
  /** Tables already read in this step: the prior period often reads the same files with an earlier asOf. */
  cache: Map<string, Promise<LoadedTable>>;
}

async function loadSource(source: Source | undefined, table: TableName, ctx: LoadContext, label: string): Promise<LoadedTable> {
  if (source === undefined) return { records: [], rows: 0, skipped: 0, problems: [] };
  const schema: TableSchema = { ...DEFAULT_SCHEMAS[table], ...(ctx.columns?.[table] as TableSchema | undefined) };
  const spec = typeof source === 'string' ? { path: source } : source;
  if (spec.query) {
    if (!ctx.db) throw Object.assign(new Error(`data.load: ${label}${table} is a SQL query but no connectionString is set`), { retryable: false });
    return loadTable(queryRows(await ctx.db(), spec.query), schema, `${label}${table} query`, ctx.policy);
  }
  if (!spec.path) throw Object.assign(new Error(`data.load: ${label}${table} needs a path or a query`), { retryable: false });
  const file = await resolveDataPath(spec.path, ctx.dataDirs).catch((e: Error) => {
    throw Object.assign(new Error(`data.load: ${e.message}`), { retryable: false });
  });
  const format = spec.format ?? formatOf(file);
  const key = JSON.stringify([table, file, format]);
  let loaded = ctx.cache.get(key);
  if (!loaded) {
    loaded = loadTable(readRows(file, format), schema, `${label}${path.basename(file)}`, ctx.policy);
    ctx.cache.set(key, loaded);
  }
  return loaded;
}

async function loadPeriod(sources: Pick<Config, 'customers' | 'orders' | 'events' | 'asOf'>, ctx: LoadContext, label: string) {
  const customers = await loadSource(sources.customers, 'customers', ctx, label);
  const orders = await loadSource(sources.orders, 'orders', ctx, label);
  const events = await loadSource(sources.events, 'events', ctx, label);
  const data: PeriodData = {
    customers: customers.records as Customer[],
    orders: orders.records as Order[],
    events: events.records as CustomerEvent[],
    ...(sources.asOf ? { asOf: sources.asOf } : {}),
  };
  const report = Object.fromEntries(
    (['customers', 'orders', 'events'] as const).map((t, i) => {
      const loaded = [customers, orders, events][i];
      return [t, { rows: loaded.rows, loaded: loaded.records.length, skipped: loaded.skipped, problems: loaded.problems }];
    }),
  );
  return { data, report };
}

export default defineNode({
  type: 'data.load',
  title: 'Load customer data',
  category: 'Segmentation',
  description: 'Loads customers, orders and events (and optionally last period\'s) from CSV/NDJSON/JSON files in the data folders or from SQL, checking every row.',
  config: configSchema,
  check(config) {
    const problems: Array<{ path: Array<string | number>; message: string }> = [];
    const usesSql = [config.customers, config.orders, config.events, config.prior?.customers, config.prior?.orders, config.prior?.events].some(
      (s) => typeof s === 'object' && s?.query,
    );
    if (usesSql && !config.connectionString) problems.push({ path: ['connectionString'], message: 'SQL sources need a connectionString' });
    for (const [table, columns] of Object.entries(config.columns ?? {})) {
      for (const [column, spec] of Object.entries(columns ?? {})) {
        try {
          parseColumnSpec(spec);
        } catch (e) {
          problems.push({ path: ['columns', table, column], message: (e as Error).message });
        }
      }
    }
    return problems;
  },
  async run(ctx) {
    const config = configSchema.parse(ctx.config);
    let client: pg.Client | undefined;
    const load: LoadContext = {
      dataDirs: ctx.dataDirs,
      policy: config.onInvalidRow,
      columns: config.columns,
      cache: new Map(),
      db: config.connectionString
        ? async () => {
            if (!client) {
              client = new pg.Client({ connectionString: config.connectionString });
              await client.connect();
            }
            return client;
          }
        : undefined,
    };
    try {
      const current = await loadPeriod(config, load, '');
      const prior = config.prior ? await loadPeriod(config.prior, load, 'prior ') : undefined;
      ctx.log.info('customer data loaded', { customers: current.data.customers.length, orders: current.data.orders.length, events: current.data.events.length });
      return {
        output: {
          ...current.data,
          ...(prior ? { prior: prior.data } : {}),
          quality: { load: { ...current.report, ...(prior ? { prior: prior.report } : {}) } },
        },
      };
    } finally {
      await client?.end();
    }
  },
});
