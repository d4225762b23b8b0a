/**
 * The embedded database on disk: a data folder with no database yet is
 * created (by a thread of its own that then ends, pglite-thread-client.ts),
 * and what was saved is there when the folder is opened again.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../engine/store';
import { pgliteThreadClient } from '../../engine/store/pglite-thread-client';
import type { Scenario } from '../../engine/scenario/schema';

const scenario = (id: string, name: string) =>
  ({
    format: 'switchyard/scenario@1',
    id,
    name,
    nodes: [{ id: 't', type: 'trigger.manual' }],
    edges: [],
  }) as Scenario;

describe('the embedded database in a data folder', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-db-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is created in a fresh folder and keeps what was saved when the folder is opened again', async () => {
    const first = await openStore({ dataDir });
    expect(existsSync(path.join(dataDir, 'db', 'PG_VERSION'))).toBe(true);
    await first.saveScenario(scenario('kept', 'Kept across a restart'));
    await first.close();

    const again = await openStore({ dataDir });
    try {
      expect((await again.getScenario('kept'))?.scenario.name).toBe('Kept across a restart');
      await again.saveScenario(scenario('kept', 'Saved again'));
      expect((await again.listVersions('kept')).map((v) => v.version)).toEqual([2, 1]);
    } finally {
      await again.close();
    }
  });

  it('refuses a data folder it cannot create the database in, saying so', async () => {
    const notAFolder = path.join(dataDir, 'a-file');
    await writeFile(notAFolder, 'not a database');
    await expect(pgliteThreadClient({ dataDir: notAFolder })).rejects.toThrow(`The embedded database could not start: ${notAFolder} cannot hold the database (ENOTDIR: not a directory)`);
  });
});
