import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import consentFilter from '../../nodes/segmentation/consent-filter';
import dataLoad from '../../nodes/segmentation/data-load';
import { DEFAULT_SCHEMAS } from '../../nodes/segmentation/data/columns';
import { loadTable } from '../../nodes/segmentation/data/load-table';
import { queryRows } from '../../nodes/segmentation/data/sources';
import { normalisePhone } from '../../nodes/segmentation/identity';
import identityResolve from '../../nodes/segmentation/identity-resolve';
import { runNode } from './context';

let root: string;
let dataDir: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'seg-data-'));
  dataDir = path.join(root, 'data');
  await mkdir(dataDir);
  await writeFile(
    path.join(dataDir, 'customers.csv'),
    [
      'id,email,phone,consent,signupDate',
      'C1,Ada@Example.com ,+49 151 2345678,marketing;analytics,2024-01-01',
      'C2,  ada@example.com,,marketing,2024-02-01',
      'C3,grace@example.com,0151-2345678,analytics,2024-03-01',
      'C4,linus@example.com,(0170) 111 2222,,2024-04-01',
      'C5,"hopper, grace@example.com",,marketing,2024-05-01',
    ].join('\n') + '\n',
  );
  await writeFile(
    path.join(dataDir, 'orders.csv'),
    ['orderId,customerId,date,amount,category', 'O1,C2,2024-06-01,10.5,books', 'O2,OLD-1,2024-06-02,20,books', 'O3,NOBODY,2024-06-03,5,books', 'O4,C4,2024-06-04,7,books'].join('\n') + '\n',
  );
  await writeFile(path.join(dataDir, 'events.ndjson'), '{"customerId":"C1","type":"page_view","ts":"2024-06-01"}\n\n{"customerId":"C3","type":"campaign","ts":"2024-06-02","group":"treatment","converted":true}\n');
  await writeFile(path.join(root, 'secret.csv'), 'id\nX\n');
  await symlink(path.join(root, 'secret.csv'), path.join(dataDir, 'linked.csv'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const ctx = () => ({ dataDirs: [dataDir] });

describe('data.load', () => {
  it('names the file, row and field of a bad value', async () => {
    await expect(runNode(dataLoad, { customers: 'customers.csv' }, {}, ctx())).rejects.toThrow('customers.csv row 6, field "email": not an email');
  });

  it('skips bad rows when asked and counts them', async () => {
    const out = await runNode(dataLoad, { customers: 'customers.csv', orders: 'orders.csv', events: 'events.ndjson', onInvalidRow: 'skip' }, {}, ctx());
    expect(out.customers.map((c: { id: string }) => c.id)).toEqual(['C1', 'C2', 'C3', 'C4']);
    expect(out.quality.load.customers).toMatchObject({ rows: 5, loaded: 4, skipped: 1, problems: ['customers.csv row 6, field "email": not an email'] });
    expect(out.orders[0]).toMatchObject({ orderId: 'O1', amount: 10.5 });
    expect(out.customers[0].consent).toEqual(['marketing', 'analytics']);
    expect(out.events).toHaveLength(2);
    expect(out.events[1].converted).toBe(true);
  });

  it('refuses paths that leave the data folders, by .. or by symlink', async () => {
    await expect(runNode(dataLoad, { customers: '../secret.csv' }, {}, ctx())).rejects.toThrow(/outside the allowed data folders/);
    await expect(runNode(dataLoad, { customers: path.join(root, 'secret.csv') }, {}, ctx())).rejects.toThrow(/outside the allowed data folders/);
    await expect(runNode(dataLoad, { customers: 'linked.csv' }, {}, ctx())).rejects.toThrow(/through a symlink/);
    await expect(runNode(dataLoad, { customers: 'customers.csv' }, {}, { dataDirs: [] })).rejects.toThrow(/no data folders are allowed/);
  });

  it('flags a SQL source without a connection string at validation time', () => {
    const config = dataLoad.config.parse({ customers: { query: 'select * from customers' } });
    expect(dataLoad.check!(config)).toEqual([{ path: ['connectionString'], message: 'SQL sources need a connectionString' }]);
  });

  it('checks rows from a SQL query the same way (PGlite through its query API)', async () => {
    // The node itself talks to PostgreSQL through `pg`; here the same row pipeline runs on PGlite's query API.
    const db = new PGlite();
    await db.exec(`create table orders ("orderId" text, "customerId" text, date date, amount numeric);
      insert into orders values ('O1', 'C1', '2024-06-01', 12.5), ('O2', 'C2', '2024-06-02', null);`);
    await expect(loadTable(queryRows(db, 'select * from orders order by "orderId"'), DEFAULT_SCHEMAS.orders, 'orders query', 'fail')).rejects.toThrow(
      'orders query row 2, field "amount": missing',
    );
    const ok = await loadTable(queryRows(db, 'select * from orders where amount is not null'), DEFAULT_SCHEMAS.orders, 'orders query', 'fail');
    expect(ok.records).toEqual([{ orderId: 'O1', customerId: 'C1', date: expect.stringMatching(/^2024-06-01/), amount: 12.5 }]);
    await db.close();
  });
});

describe('identity.resolve and consent.filter', () => {
  it('normalises phone numbers to E.164-like digits', () => {
    expect(normalisePhone('0151-2345678', '49')).toBe('+491512345678');
    expect(normalisePhone('0049 151 2345678', '49')).toBe('+491512345678');
    expect(normalisePhone('+49 (151) 234 5678', '49')).toBe('+491512345678');
  });

  it('merges by email case/space, phone format and alias; reports missing profiles', async () => {
    const loaded = await runNode(dataLoad, { customers: 'customers.csv', orders: 'orders.csv', events: 'events.ndjson', onInvalidRow: 'skip' }, {}, ctx());
    const out = await runNode(identityResolve, { aliases: { 'OLD-1': 'C1' }, defaultCountryCode: '49' }, loaded);
    // C1 and C2 share an email (case and spaces differ); C1 and C3 share a phone (two formats): one person.
    expect(out.customers.map((c: { id: string }) => c.id).sort()).toEqual(['C1', 'C4']);
    expect(out.quality.identity.merges).toEqual([{ into: 'C1', merged: ['C2', 'C3'], by: ['email', 'phone'] }]);
    expect(out.orders.map((o: { customerId: string }) => o.customerId)).toEqual(['C1', 'C1', 'C4']);
    expect(out.quality.identity.missingProfiles).toMatchObject({ customerIds: ['NOBODY'], count: 1, orders: 1, dropped: true });
    // Consent of a merged person: only purposes every duplicate agreed to (C3 said analytics only).
    expect(out.customers.find((c: { id: string }) => c.id === 'C1').consent).toEqual([]);

    const filtered = await runNode(consentFilter, { purpose: 'marketing' }, out);
    expect(filtered.customers).toEqual([]);
    expect(filtered.orders).toEqual([]);
    expect(filtered.quality.consent).toEqual({ purpose: 'marketing', kept: 0, dropped: 2, reasons: { 'no consent recorded': 2, 'consent for other purposes only': 0 } });
  });

  it('counts consent drops by reason', async () => {
    const base = { customers: [{ id: 'a', consent: ['marketing'] }, { id: 'b', consent: ['analytics'] }, { id: 'c' }], orders: [{ orderId: 'o', customerId: 'b', date: '2024-01-01', amount: 1 }], events: [] };
    const out = await runNode(consentFilter, { purpose: 'Marketing' }, base);
    expect(out.customers.map((c: { id: string }) => c.id)).toEqual(['a']);
    expect(out.orders).toEqual([]);
    expect(out.quality.consent.reasons).toEqual({ 'no consent recorded': 1, 'consent for other purposes only': 1 });
  });
});
