/**
 * The store suite, run against embedded PGlite and a real PostgreSQL server
 * started by the test, so the one SQL dialect is proven on both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { migrations } from '../../engine/store/migrations';
import { InvalidCursorError, NotFoundError, openStore, type Store } from '../../engine/store';
import { migrate } from '../../engine/store/migrate';
import { postgresClient } from '../../engine/store/sql-client';
import type { RunRecord } from '../../engine/runtime/types';
import type { Scenario } from '../../engine/scenario/schema';
import { startPostgres, type TestPostgres } from '../support/postgres-server';

function scenario(id: string, name = `Scenario ${id}`, extra: Partial<Scenario> = {}): Scenario {
  return {
    format: 'switchyard/scenario@1',
    id,
    name,
    nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'x', type: 'transform', config: { expression: 'input' } }],
    edges: [{ from: 't', to: 'x' }],
    ...extra,
  } as Scenario;
}

function run(id: string, scenarioId: string, startedAt: string, over: Partial<RunRecord> = {}): RunRecord {
  return { id, scenarioId, version: 1, status: 'succeeded', input: { n: id }, startedAt, steps: [], waits: [], ...over };
}

let postgres: TestPostgres | undefined;

const backends: Array<[string, () => Promise<Store>]> = [
  ['PGlite', () => openStore({ memory: true })],
  ['PostgreSQL', async () => {
    postgres = await startPostgres();
    return openStore({ databaseUrl: postgres.url, poolSize: 4 });
  }],
];

describe.each(backends)('Store on %s', (kind, open) => {
  let store: Store;

  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store?.close();
    if (kind === 'PostgreSQL') await postgres?.close();
  });

  it('keeps every save as a new version and shows the latest as the draft', async () => {
    const first = await store.saveScenario(scenario('versions', 'First name'));
    expect(first.version).toBe(1);
    expect(first.publishedVersion).toBeNull();
    const second = await store.saveScenario(scenario('versions', 'Second name', { description: 'edited' }));
    expect(second.version).toBe(2);
    expect(second.name).toBe('Second name');
    expect(second.scenario.description).toBe('edited');
    expect((await store.getScenario('versions'))!.scenario.name).toBe('Second name');
    expect((await store.listVersions('versions')).map((v) => v.version)).toEqual([2, 1]);
    expect((await store.get('versions', 1))!.name).toBe('First name');
    expect(await store.get('versions', 3)).toBeUndefined();
  });

  it('publishes a chosen version while the draft moves on, and unpublishes', async () => {
    await store.saveScenario(scenario('pub', 'v1'));
    await store.saveScenario(scenario('pub', 'v2'));
    const published = await store.publish('pub', 1);
    expect(published.publishedVersion).toBe(1);
    expect(published.version).toBe(2);
    await store.saveScenario(scenario('pub', 'v3 draft'));
    const live = (await store.listPublished()).find((p) => p.id === 'pub');
    expect(live).toMatchObject({ version: 1, scenario: { name: 'v1' } });
    expect((await store.listVersions('pub')).find((v) => v.published)?.version).toBe(1);
    await expect(store.publish('pub', 9)).rejects.toBeInstanceOf(NotFoundError);
    const unpublished = await store.unpublish('pub');
    expect(unpublished.publishedVersion).toBeNull();
    expect((await store.listPublished()).some((p) => p.id === 'pub')).toBe(false);
    await expect(store.unpublish('nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('soft-deletes: the scenario leaves every list but its versions still serve its runs', async () => {
    await store.saveScenario(scenario('gone'));
    await store.publish('gone', 1);
    expect(await store.deleteScenario('gone')).toBe(true);
    expect(await store.deleteScenario('gone')).toBe(false);
    expect(await store.getScenario('gone')).toBeUndefined();
    expect((await store.listScenarios()).some((s) => s.id === 'gone')).toBe(false);
    expect((await store.listPublished()).some((p) => p.id === 'gone')).toBe(false);
    expect((await store.get('gone', 1))!.id).toBe('gone');
    const revived = await store.saveScenario(scenario('gone', 'Back'));
    expect(revived.version).toBe(2);
    expect(revived.publishedVersion).toBeNull();
  });

  it('starts a re-created id with none of its deleted versions, which still serve their runs', async () => {
    const first = await store.saveScenario(scenario('reborn', 'First life v1'));
    await store.saveScenario(scenario('reborn', 'First life v2'));
    await store.deleteScenario('reborn');
    await new Promise((r) => setTimeout(r, 5));
    const reborn = await store.saveScenario(scenario('reborn', 'Second life'));
    // Created now, as far as its lists and the API say.
    expect(Date.parse(reborn.createdAt)).toBeGreaterThan(Date.parse(first.createdAt));
    // Numbers go on counting, so a run of the first life still names a version of its own.
    expect(reborn.version).toBe(3);
    expect((await store.listVersions('reborn')).map((v) => v.version)).toEqual([3]);
    await expect(store.publish('reborn', 1)).rejects.toThrow(new NotFoundError('Scenario "reborn" has no version 1'));
    expect((await store.getScenario('reborn'))!.publishedVersion).toBeNull();
    expect((await store.get('reborn', 1))!.name).toBe('First life v1');
    expect((await store.get('reborn', 2))!.name).toBe('First life v2');

    // Saving on keeps the life's start; publishing within it works.
    await store.saveScenario(scenario('reborn', 'Second life, edited'));
    expect((await store.listVersions('reborn')).map((v) => v.version)).toEqual([4, 3]);
    expect((await store.publish('reborn', 3)).publishedVersion).toBe(3);
    expect((await store.listVersions('reborn')).find((v) => v.published)?.version).toBe(3);
  });

  it('numbers concurrent saves of one scenario without gaps or duplicates', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.saveScenario(scenario('race', `save ${i}`))));
    expect((await store.listVersions('race')).map((v) => v.version)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('upserts a run with its steps and reads back the same record', async () => {
    const started = run('run-upsert', 'pub', '2026-03-01T10:00:00.000Z', {
      status: 'running',
      steps: [{ id: 's1', nodeId: 't', status: 'running', attempts: 1, input: { a: 1 }, startedAt: '2026-03-01T10:00:00.010Z' }],
    });
    await store.saveRun(started);
    const finished: RunRecord = {
      ...started,
      status: 'failed',
      finishedAt: '2026-03-01T10:00:01.000Z',
      durationMs: 1000,
      error: { message: 'HTTP 500 from recommendation API', nodeId: 'x', stepId: 's2' },
      trigger: 'webhook',
      // As the engine's record has it: the output of the last step that succeeded.
      output: [{ a: 1 }],
      steps: [
        { ...started.steps[0], status: 'succeeded', output: [{ a: 1 }], port: 'out', finishedAt: '2026-03-01T10:00:00.020Z', durationMs: 10 },
        { id: 's2', nodeId: 'x', status: 'failed', attempts: 3, input: 'text', error: { message: 'HTTP 500', code: 'http' },
          note: 'gave up', startedAt: '2026-03-01T10:00:00.030Z', finishedAt: '2026-03-01T10:00:01.000Z', durationMs: 970 },
      ],
      waits: [{ stepId: 's2', nodeId: 'x', kind: 'retry', until: 1_772_359_201_000 }],
    };
    await store.saveRun(finished);
    expect(await store.getRun('run-upsert')).toEqual(finished);
    expect(await store.getRun('missing')).toBeUndefined();
  });

  it('pages the run list newest first with a stable cursor and filters', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const id = `page-${i}`;
      ids.push(id);
      await store.saveRun(run(id, i % 2 ? 'odd' : 'even', `2026-04-01T00:00:0${i}.000Z`, { status: i === 6 ? 'failed' : 'succeeded' }));
    }
    // Two runs with the same start time still page deterministically (by id).
    await store.saveRun(run('page-tie', 'even', '2026-04-01T00:00:03.000Z'));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listRuns({ limit: 3, cursor, scenarioId: undefined });
      seen.push(...page.items.filter((r) => r.id.startsWith('page-')).map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['page-6', 'page-5', 'page-4', 'page-tie', 'page-3', 'page-2', 'page-1', 'page-0']);

    const odd = await store.listRuns({ scenarioId: 'odd', limit: 10 });
    expect(odd.items.map((r) => r.id)).toEqual(['page-5', 'page-3', 'page-1']);
    expect(odd.nextCursor).toBeNull();
    const failed = await store.listRuns({ scenarioId: 'even', status: 'failed', limit: 10 });
    expect(failed.items.map((r) => r.id)).toEqual(['page-6']);
    expect(failed.items[0]).not.toHaveProperty('steps');
    await expect(store.listRuns({ cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('stores run artefacts byte for byte', async () => {
    const body = new Uint8Array([0, 255, 1, 254, ...Buffer.from('<h1>Quarterly review</h1>')]);
    await store.putArtifact('run-art', { name: 'report.html', contentType: 'text/html', body });
    const artifact = await store.getArtifact('run-art', 'report.html');
    expect(artifact?.contentType).toBe('text/html');
    expect(Buffer.from(artifact!.body).equals(Buffer.from(body))).toBe(true);
    expect(await store.listArtifacts('run-art')).toMatchObject([{ name: 'report.html', size: body.length }]);
    expect(await store.getArtifact('run-art', 'other')).toBeUndefined();
  });

  it('keeps secret ciphertexts by name', async () => {
    await store.putSecret('BRAZE_KEY', 'cipher-1');
    await store.putSecret('BRAZE_KEY', 'cipher-2');
    expect((await store.secretCiphertexts()).find((s) => s.name === 'BRAZE_KEY')?.ciphertext).toBe('cipher-2');
    expect((await store.listSecrets()).map((s) => s.name)).toContain('BRAZE_KEY');
    expect(await store.deleteSecret('BRAZE_KEY')).toBe(true);
    expect(await store.deleteSecret('BRAZE_KEY')).toBe(false);
  });

  it('prunes finished runs by age and count, never waiting ones, with their steps and artefacts', async () => {
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await store.saveRun(run('old-done', 'prune', old, { steps: [{ id: 'a', nodeId: 't', status: 'succeeded', attempts: 1, input: null, startedAt: old }] }));
    await store.saveRun(run('old-waiting', 'prune', old, { status: 'waiting' }));
    await store.putArtifact('old-done', { name: 'r', contentType: 'text/plain', body: new Uint8Array([1]) });
    expect(await store.prune({ maxAgeDays: 30 })).toBeGreaterThanOrEqual(1);
    expect(await store.getRun('old-done')).toBeUndefined();
    expect(await store.getArtifact('old-done', 'r')).toBeUndefined();
    expect((await store.getRun('old-waiting'))?.status).toBe('waiting');

    const recent = Date.now();
    for (let i = 0; i < 4; i++) await store.saveRun(run(`keep-${i}`, 'prune', new Date(recent + i * 1000).toISOString()));
    await store.prune({ maxRuns: 2 });
    const left = (await store.listRuns({ limit: 500 })).items.map((r) => r.id);
    expect(left.filter((id) => id.startsWith('keep-'))).toEqual(['keep-3', 'keep-2']);
    expect(left).toContain('old-waiting');
  });

  // PGlite in memory cannot be reopened; PostgreSQL covers repeat and concurrent starts.
  it.runIf(kind === 'PostgreSQL')('applies migrations once, even when two servers start together', async () => {
    const pool = new pg.Pool({ connectionString: postgres!.url, max: 2 });
    pool.on('error', () => {}); // as openStore does: an idle connection closing must not crash the test process
    const client = postgresClient(pool);
    expect(await Promise.all([migrate(client), migrate(client)])).toEqual([[], []]);
    const rows = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    expect(rows.map((r) => Number(r.version)).sort()).toEqual(migrations.map((m) => m.version));
    await client.close();
  });
});
