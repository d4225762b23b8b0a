/**
 * Scenario routes over real HTTP: create, read, versions, publish and its
 * refusals, delete (and an id created again), a data folder from before
 * migration 5, the schedule's next fire times, node types, health,
 * import, and the one error shape for every failure.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../engine/store';
import { migrate } from '../../engine/store/migrate';
import { migrations } from '../../engine/store/migrations';
import { pgliteThreadClient } from '../../engine/store/pglite-thread-client';
import { blueprint } from '../import/support';
import { expectErrorShape, scenarioDoc, startTestService, type TestService } from './harness';

let svc: TestService;

beforeAll(async () => {
  svc = await startTestService();
});
afterAll(async () => {
  await svc?.close();
});

describe('scenarios API', () => {
  it('creates a scenario (201 with its version), lists it and reads it back', async () => {
    const created = await svc.api('/api/scenarios', { body: scenarioDoc('crud') });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/scenarios/crud');
    expect(created.body).toMatchObject({ id: 'crud', version: 1, publishedVersion: null, scenario: { id: 'crud', name: 'Scenario crud' } });

    const list = await svc.api('/api/scenarios');
    expect(list.body.items.find((s: any) => s.id === 'crud')).toMatchObject({ version: 1, trigger: 'trigger.manual', nodeCount: 2 });
    expect(list.body.items[0]).not.toHaveProperty('scenario');

    const one = await svc.api('/api/scenarios/crud');
    expect(one.status).toBe(200);
    expect(one.body.scenario.nodes).toHaveLength(2);
    expect(one.body.nodes).toEqual(one.body.scenario.nodes);
    expect(one.body.problems).toEqual([]);
  });

  it('takes back a scenario exactly as it answered with it, without storing the metadata', async () => {
    const { body } = await svc.api('/api/scenarios/crud');
    const saved = await svc.api('/api/scenarios/crud', { method: 'PUT', body: { ...body, description: 'round trip' } });
    expect(saved.status).toBe(200);
    expect(saved.body.version).toBe(2);
    expect(Object.keys(saved.body.scenario).sort()).toEqual(['description', 'edges', 'format', 'id', 'name', 'nodes']);
  });

  it('creates a scenario on PUT to an unknown id (201 with Location), and saves a version on the next PUT (200)', async () => {
    const created = await svc.api('/api/scenarios/put-new', { method: 'PUT', body: scenarioDoc('put-new') });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/scenarios/put-new');
    expect(created.body).toMatchObject({ id: 'put-new', version: 1 });
    const saved = await svc.api('/api/scenarios/put-new', { method: 'PUT', body: { ...scenarioDoc('put-new'), name: 'Second' } });
    expect(saved.status).toBe(200);
    expect(saved.headers.get('location')).toBeNull();
    expect(saved.body).toMatchObject({ id: 'put-new', version: 2, name: 'Second' });
  });

  it('refuses a body that is not JSON with 415 naming its content type and the one taken, and stores nothing', async () => {
    const doc = JSON.stringify(scenarioDoc('typed'));
    // curl -d sends application/x-www-form-urlencoded unless told otherwise.
    const form = await svc.api('/api/scenarios', { raw: doc, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
    const error = expectErrorShape(form.body);
    expect(error.code).toBe('unsupported_media_type');
    expect(error.message).toBe("The body is application/x-www-form-urlencoded; the API takes application/json (with curl, add -H 'content-type: application/json')");
    const text = await svc.api('/api/scenarios/typed', { method: 'PUT', raw: doc, headers: { 'content-type': 'text/plain; charset=utf-8' } });
    expect(text.status).toBe(415);
    expect(expectErrorShape(text.body).issues).toEqual([{ path: 'headers.content-type', message: 'Expected application/json, got text/plain' }]);
    expect((await svc.api('/api/scenarios/typed')).status).toBe(404);
    // The importer still reads any text, whatever its content type says.
    const imported = await svc.api('/api/import?filename=webhook-to-http.json', { raw: blueprint('webhook-to-http.json'), headers: { 'content-type': 'text/plain' } });
    expect(imported.status).toBe(200);
    expect(imported.body.format).toBe('make-blueprint');
  });

  it('refuses a second POST of the same id with 409', async () => {
    await svc.api('/api/scenarios', { body: scenarioDoc('dupe') });
    const again = await svc.api('/api/scenarios', { body: scenarioDoc('dupe') });
    expect(again.status).toBe(409);
    expect(expectErrorShape(again.body).issues[0].path).toBe('id');
  });

  it('answers 400 with issue paths for an invalid document and keeps the stored one intact', async () => {
    await svc.api('/api/scenarios', { body: scenarioDoc('intact') });
    const bad = await svc.api('/api/scenarios/intact', { method: 'PUT', body: { format: 'switchyard/scenario@1', id: 'intact', name: '', nodes: [] } });
    expect(bad.status).toBe(400);
    const error = expectErrorShape(bad.body);
    expect(error.code).toBe('invalid_scenario');
    expect(error.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['name', 'nodes']));

    // A duplicate id blocks the save; the answer names the other problems too, as `switchyard validate` does.
    const duplicateIds = scenarioDoc('intact', { nodes: [{ id: 'a', type: 'trigger.manual' }, { id: 'a', type: 'transform', config: { expression: '1' } }, { id: 'b', type: 'transform', config: { expression: '(' } }] as any });
    const dup = await svc.api('/api/scenarios/intact', { method: 'PUT', body: duplicateIds });
    expect(dup.status).toBe(400);
    expect(expectErrorShape(dup.body).issues.map((i) => i.path)).toEqual(expect.arrayContaining(['nodes[1].id', 'nodes[2].config.expression']));

    const wrongId = await svc.api('/api/scenarios/intact', { method: 'PUT', body: scenarioDoc('other') });
    expect(wrongId.status).toBe(400);
    expect(expectErrorShape(wrongId.body).issues[0].path).toBe('id');

    const stored = await svc.api('/api/scenarios/intact');
    expect(stored.body.version).toBe(1);
    expect(stored.body.scenario.name).toBe('Scenario intact');
  });

  it('names the envelope and the graph problems of one bad PUT together, and keeps the stored version', async () => {
    await svc.api('/api/scenarios', { body: scenarioDoc('together') });
    const { format: _dropped, ...noFormat } = scenarioDoc('together', { nodes: [{ id: 'trigger', type: 'trigger.manual' }, { id: 'double', type: 'no.such.type' }] as any });
    const bad = await svc.api('/api/scenarios/together', { method: 'PUT', body: noFormat });
    expect(bad.status).toBe(400);
    expect(expectErrorShape(bad.body).issues.map((i) => i.path)).toEqual(expect.arrayContaining(['format', 'nodes[1].type']));
    const stored = await svc.api('/api/scenarios/together');
    expect(stored.body.version).toBe(1);
    expect(stored.body.scenario.nodes.map((n: { type: string }) => n.type)).not.toContain('no.such.type');
  });

  it('saves every PUT as a new version and lists the versions', async () => {
    await svc.api('/api/scenarios', { body: scenarioDoc('versioned') });
    const put = await svc.api('/api/scenarios/versioned', { method: 'PUT', body: { ...scenarioDoc('versioned'), name: 'Renamed' } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ version: 2, name: 'Renamed' });
    const versions = await svc.api('/api/scenarios/versioned/versions');
    expect(versions.body.items.map((v: any) => v.version)).toEqual([2, 1]);
    const first = await svc.api('/api/scenarios/versioned/versions/1');
    expect(first.body.scenario.name).toBe('Scenario versioned');
    expect((await svc.api('/api/scenarios/versioned/versions/7')).status).toBe(404);
  });

  it('saves an unfinished draft with its problems but refuses to publish it (422 with the issues)', async () => {
    const draft = scenarioDoc('unfinished', {
      nodes: [
        { id: 'trigger', type: 'trigger.manual' },
        { id: 'call', type: 'http.request', config: { method: 'GET' } },
      ] as any,
      edges: [{ from: 'trigger', to: 'call' }],
    });
    const saved = await svc.api('/api/scenarios', { body: draft });
    expect(saved.status).toBe(201);
    expect(saved.body.problems.some((p: any) => p.path.startsWith('nodes[1].config') && p.severity === 'error')).toBe(true);

    const publish = await svc.api('/api/scenarios/unfinished/publish', { method: 'POST' });
    expect(publish.status).toBe(422);
    const error = expectErrorShape(publish.body);
    expect(error.code).toBe('scenario_invalid');
    expect(error.issues.some((i) => i.path.startsWith('nodes[1].config'))).toBe(true);
    expect((await svc.api('/api/scenarios/unfinished')).body.publishedVersion).toBeNull();
  });

  it('publishes the latest or a chosen version, and unpublishes', async () => {
    await svc.api('/api/scenarios', { body: scenarioDoc('pub') });
    await svc.api('/api/scenarios/pub', { method: 'PUT', body: { ...scenarioDoc('pub'), name: 'v2' } });
    const latest = await svc.api('/api/scenarios/pub/publish', { method: 'POST' });
    expect(latest.status).toBe(200);
    expect(latest.body.publishedVersion).toBe(2);
    const chosen = await svc.api('/api/scenarios/pub/publish', { body: { version: 1 } });
    expect(chosen.body.publishedVersion).toBe(1);
    const missing = await svc.api('/api/scenarios/pub/publish', { body: { version: 5 } });
    expect(missing.status).toBe(404);
    expectErrorShape(missing.body);
    const badBody = await svc.api('/api/scenarios/pub/publish', { body: { version: 'two' } });
    expect(badBody.status).toBe(400);
    expect(expectErrorShape(badBody.body).issues[0].path).toBe('body.version');
    const off = await svc.api('/api/scenarios/pub/unpublish', { method: 'POST' });
    expect(off.body.publishedVersion).toBeNull();
  });

  it('deletes a scenario (204), after which it is gone (404)', async () => {
    await svc.api('/api/scenarios', { body: scenarioDoc('doomed') });
    expect((await svc.api('/api/scenarios/doomed', { method: 'DELETE' })).status).toBe(204);
    const gone = await svc.api('/api/scenarios/doomed');
    expect(gone.status).toBe(404);
    expect(expectErrorShape(gone.body).code).toBe('not_found');
    expect((await svc.api('/api/scenarios/doomed', { method: 'DELETE' })).status).toBe(404);
  });

  it('gives a deleted id created again none of its old versions to list or publish; its runs still read their own', async () => {
    await svc.api('/api/scenarios', { body: scenarioDoc('again', { name: 'First life' }) });
    await svc.api('/api/scenarios/again', { method: 'PUT', body: scenarioDoc('again', { name: 'First life, v2' }) });
    const firstRun = await svc.api('/api/scenarios/again/runs?wait=true', { body: { n: 1 } });
    expect(firstRun.body).toMatchObject({ status: 'succeeded', version: 2 });
    expect((await svc.api('/api/scenarios/again', { method: 'DELETE' })).status).toBe(204);

    const created = await svc.api('/api/scenarios/again', { method: 'PUT', body: scenarioDoc('again', { name: 'Second life' }) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ version: 3, publishedVersion: null });
    expect((await svc.api('/api/scenarios/again/versions')).body.items.map((v: any) => v.version)).toEqual([3]);

    const old = await svc.api('/api/scenarios/again/publish', { body: { version: 1 } });
    expect(old.status).toBe(404);
    const error = expectErrorShape(old.body);
    expect(error.message).toBe('Scenario "again" has no version 1');
    expect(error.issues).toEqual([{ path: 'body.version', message: 'No such version' }]);
    expect((await svc.api('/api/scenarios/again')).body.publishedVersion).toBeNull();
    // Nor can a test run pick one.
    const oldRun = await svc.api('/api/scenarios/again/runs?version=2', { body: {} });
    expect(oldRun.status).toBe(404);
    expect(expectErrorShape(oldRun.body).issues).toEqual([{ path: 'query.version', message: 'No such version' }]);

    // The run of the first life still opens the graph it ran, by the version it names.
    const ran = await svc.api(`/api/runs/${firstRun.body.id}`);
    expect(ran.body).toMatchObject({ scenarioId: 'again', version: 2 });
    const graph = await svc.api(`/api/scenarios/again/versions/${ran.body.version}`);
    expect(graph.status).toBe(200);
    expect(graph.body.scenario.name).toBe('First life, v2');

    // Creating it by POST (as the editor's import does) after another delete starts afresh too.
    expect((await svc.api('/api/scenarios/again', { method: 'DELETE' })).status).toBe(204);
    const imported = await svc.api('/api/scenarios', { body: scenarioDoc('again', { name: 'Third life' }) });
    expect(imported.status).toBe(201);
    expect((await svc.api('/api/scenarios/again/versions')).body.items.map((v: any) => v.version)).toEqual([4]);
    expect((await svc.api('/api/scenarios/again/publish', { body: { version: 3 } })).status).toBe(404);
    expect((await svc.api('/api/scenarios/again/publish', { method: 'POST' })).body.publishedVersion).toBe(4);
  });

  it('keeps every version of a scenario saved before its data folder was upgraded (migration 5)', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-upgrade-'));
    try {
      // The database as a Switchyard with migrations 1–4 left it: two scenarios with two versions each, one deleted.
      const before = await pgliteThreadClient({ dataDir: path.join(dataDir, 'db') });
      await migrate(before, migrations.filter((m) => m.version <= 4));
      await before.query(`INSERT INTO scenarios (id, name, latest_version) VALUES ('older', 'Older', 2)`);
      await before.query(`INSERT INTO scenarios (id, name, latest_version, deleted_at) VALUES ('older-gone', 'Gone', 2, now())`);
      for (const id of ['older', 'older-gone']) {
        for (const version of [1, 2]) {
          await before.query('INSERT INTO scenario_versions (scenario_id, version, document) VALUES ($1, $2, $3::jsonb)', [
            id, version, JSON.stringify(scenarioDoc(id, { name: `${id} v${version}` })),
          ]);
        }
      }
      await before.close();

      const upgraded = await startTestService({ store: await openStore({ dataDir }) });
      try {
        const versions = await upgraded.api('/api/scenarios/older/versions');
        expect(versions.body.items.map((v: any) => v.version)).toEqual([2, 1]);
        expect((await upgraded.api('/api/scenarios/older/publish', { body: { version: 1 } })).body.publishedVersion).toBe(1);
        await upgraded.api('/api/scenarios/older', { method: 'PUT', body: scenarioDoc('older', { name: 'Older v3' }) });
        expect((await upgraded.api('/api/scenarios/older/versions')).body.items.map((v: any) => v.version)).toEqual([3, 2, 1]);
        // One deleted before the upgrade comes back without its versions, as one deleted after it does.
        expect((await upgraded.api('/api/scenarios/older-gone', { method: 'PUT', body: scenarioDoc('older-gone') })).body.version).toBe(3);
        expect((await upgraded.api('/api/scenarios/older-gone/versions')).body.items.map((v: any) => v.version)).toEqual([3]);
      } finally {
        await upgraded.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("shows seed 000's quarterly cadence at 09:00 Europe/Berlin as its next four fire times", async () => {
    // The example docs/server.md points at: examples/customer-segmentation-review.json.
    const quarterly = JSON.parse(readFileSync('examples/customer-segmentation-review.json', 'utf8'));
    expect((await svc.api('/api/scenarios', { body: quarterly })).status).toBe(201);
    const schedule = await svc.api('/api/scenarios/customer-segmentation-review/schedule?from=2026-02-10T12:00:00Z');
    expect(schedule.status).toBe(200);
    expect(schedule.body).toMatchObject({ cron: '0 9 1 1,4,7,10 *', timezone: 'Europe/Berlin', overlap: 'skip', published: false });
    // 09:00 in Berlin is 07:00 UTC in summer time (April, July, October) and 08:00 UTC in winter (January).
    expect(schedule.body.next).toEqual(['2026-04-01T07:00:00.000Z', '2026-07-01T07:00:00.000Z', '2026-10-01T07:00:00.000Z', '2027-01-01T08:00:00.000Z']);

    const noSchedule = await svc.api('/api/scenarios/crud/schedule');
    expect(noSchedule.status).toBe(404);
    expect(expectErrorShape(noSchedule.body).code).toBe('no_schedule');
    const badFrom = await svc.api('/api/scenarios/customer-segmentation-review/schedule?from=yesterday');
    expect(badFrom.status).toBe(400);
    expect(expectErrorShape(badFrom.body).issues[0].path).toBe('query.from');
  });
});

describe('docs/server.md', () => {
  it('names only scenario ids the examples have, so its requests work on a fresh `npm start`', () => {
    const doc = readFileSync('docs/server.md', 'utf8');
    const exampleIds = readdirSync('examples')
      .filter((f) => f.endsWith('.json'))
      .map((f) => (JSON.parse(readFileSync(`examples/${f}`, 'utf8')) as { id: string }).id);
    const named = [...doc.matchAll(/\/api\/scenarios\/([a-z0-9][\w-]*)/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    for (const id of named) expect(exampleIds, `docs/server.md names /api/scenarios/${id}`).toContain(id);
  });
});

describe('service routes', () => {
  it('lists node types with the JSON Schema of their config', async () => {
    const { status, body } = await svc.api('/api/node-types');
    expect(status).toBe(200);
    const webhook = body.items.find((t: any) => t.type === 'trigger.webhook');
    expect(webhook.configSchema.properties.path.type).toBe('string');
    expect(body.items.map((t: any) => t.type)).toEqual(expect.arrayContaining(['transform', 'router', 'approval', 'http.request']));
  });

  it('reports health', async () => {
    const { status, body } = await svc.api('/api/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', store: 'pglite', checks: { store: 'ok', queue: 'ok' } });
  });

  it('answers malformed JSON with 400 invalid_json and unknown routes with 404, both in the error shape', async () => {
    const malformed = await svc.api('/api/scenarios', { raw: '{"format": ', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(expectErrorShape(malformed.body).code).toBe('invalid_json');
    const unknown = await svc.api('/api/nothing-here');
    expect(unknown.status).toBe(404);
    expectErrorShape(unknown.body);
  });

  it('refuses a JSON body over the size limit with 413', async () => {
    const huge = { ...scenarioDoc('huge'), description: 'x'.repeat(1_100_000) };
    const res = await svc.api('/api/scenarios', { body: huge });
    expect(res.status).toBe(413);
    expect(expectErrorShape(res.body).code).toBe('payload_too_large');
  });

  it('imports a Make blueprint into a scenario without storing it', async () => {
    const res = await svc.api('/api/import?filename=webhook-to-http.json', { raw: blueprint('webhook-to-http.json'), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.body.format).toBe('make-blueprint');
    expect(res.body.scenario.format).toBe('switchyard/scenario@1');
    expect(res.body.scenario.nodes.length).toBeGreaterThanOrEqual(2);
    expect(Array.isArray(res.body.notes)).toBe(true);
    expect((await svc.api(`/api/scenarios/${res.body.scenario.id}`)).status).toBe(404);

    const broken = await svc.api('/api/import', { raw: '{"flow": [ }', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
    expect(expectErrorShape(broken.body).code).toBe('import_failed');
  });

  it('refuses prose that is no diagram with 400, as switchyard import does, instead of a lone trigger', async () => {
    const res = await svc.api('/api/import?filename=letter.txt', { raw: 'Dear team,\nplease review the Q3 numbers.\n', headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(400);
    const error = expectErrorShape(res.body);
    expect(error.code).toBe('import_failed');
    expect(error.message).toMatch(/^Nothing to import: found 2 lines of prose \(starting "Dear team,"\) and no diagram node; expected a Switchyard scenario/);
    expect(error.issues).toEqual([{ path: 'body', message: error.message }]);
  });
});

describe('API token', () => {
  let guarded: TestService;
  beforeAll(async () => {
    guarded = await startTestService({ apiToken: 'let-me-in-123' });
  });
  afterAll(async () => {
    await guarded?.close();
  });

  it('requires the bearer token on /api but leaves health open', async () => {
    const none = await guarded.api('/api/scenarios');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/Bearer/);
    expect(expectErrorShape(none.body).code).toBe('unauthorized');
    const wrong = await guarded.api('/api/scenarios', { headers: { authorization: 'Bearer let-me-in-124' } });
    expect(wrong.status).toBe(401);
    const right = await guarded.api('/api/scenarios', { headers: { authorization: 'Bearer let-me-in-123' } });
    expect(right.status).toBe(200);
    expect((await guarded.api('/api/health')).status).toBe(200);
  });

  it('takes the token as ?access_token= on event streams only (EventSource cannot send headers)', async () => {
    expect((await guarded.api('/api/scenarios/none/events')).status).toBe(401);
    // Past auth, the missing scenario answers 404.
    expect((await guarded.api('/api/scenarios/none/events?access_token=let-me-in-123')).status).toBe(404);
    expect((await guarded.api('/api/scenarios?access_token=let-me-in-123')).status).toBe(401);
  });

  it('sends security headers and no CORS grant to other origins', async () => {
    const res = await guarded.api('/api/health', { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
