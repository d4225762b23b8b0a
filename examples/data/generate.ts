/**
 * Writes a synthetic customer base for the segmentation examples:
 *
 *   node --import tsx examples/data/generate.ts --out DIR --seed N --customers 2000
 *
 * DIR gets customers.csv, orders.csv, events.ndjson, aliases.json and
 * truth.csv (the planted segment of each person, for checking clusterings).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateCustomerBase, toCsv } from './synth';

/**
 * @example await writeCustomerBase('/tmp/base', { seed: 7, customers: 2000 })
 */
export async function writeCustomerBase(out: string, options: Parameters<typeof generateCustomerBase>[0]): Promise<void> {
  const base = generateCustomerBase(options);
  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, 'customers.csv'), toCsv(base.customers as unknown as Record<string, unknown>[]));
  await writeFile(path.join(out, 'orders.csv'), toCsv(base.orders));
  await writeFile(path.join(out, 'events.ndjson'), base.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  await writeFile(path.join(out, 'aliases.json'), JSON.stringify(base.aliases, null, 2) + '\n');
  await writeFile(path.join(out, 'truth.csv'), toCsv(base.truth));
  await writeFile(path.join(out, 'periods.json'), JSON.stringify({ asOf: base.asOf, priorAsOf: base.priorAsOf, seed: options.seed, customers: options.customers }, null, 2) + '\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, seed: { type: 'string', default: '7' }, customers: { type: 'string', default: '2000' }, 'as-of': { type: 'string' } },
  });
  if (!values.out) {
    console.error('usage: node --import tsx examples/data/generate.ts --out DIR [--seed N] [--customers N] [--as-of YYYY-MM-DD]');
    process.exit(2);
  }
  const seed = Number(values.seed);
  const customers = Number(values.customers);
  if (!Number.isInteger(seed) || !Number.isInteger(customers) || customers < 10) {
    console.error('--seed must be a whole number and --customers a whole number of at least 10');
    process.exit(2);
  }
  await writeCustomerBase(values.out, { seed, customers, asOf: values['as-of'] });
  console.log(`wrote ${customers} customers to ${values.out}`);
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('generate.ts')) {
  await main();
}
