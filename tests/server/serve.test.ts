/**
 * `startService` as `switchyard serve` runs it, in BullMQ mode against a
 * private Redis: examples loaded into the empty store, the editor served
 * with its client-side routes, the queue dashboard behind the token, and a
 * webhook run carried through Redis by the worker.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../engine/server/serve';
import { startRedis, type TestRedis } from '../support/redis-server';
import { expectErrorShape, scenarioDoc } from './harness';

const TOKEN = 'serve-token-123';
let redis: TestRedis;
let dir: string;
let service: RunningService;

const auth = { authorization: `Bearer ${TOKEN}` };

beforeAll(async () => {
  redis = await startRedis();
  dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-serve-'));
  const examples = path.join(dir, 'examples');
  await mkdir(path.join(examples, 'inputs'), { recursive: true });
  await writeFile(path.join(examples, 'first.json'), JSON.stringify(scenarioDoc('example-one')));
  await writeFile(
    path.join(examples, 'hooked.json'),
    JSON.stringify(scenarioDoc('example-hook', { nodes: [{ id: 'hook', type: 'trigger.webhook', config: { path: 'example' } }, { id: 'x', type: 'transform', config: { expression: '{ "got": input.v }' } }] as any, edges: [{ from: 'hook', to: 'x' }] })),
  );
  await writeFile(path.join(examples, 'inputs', 'event.json'), JSON.stringify({ userId: 'u1' }));
  const editor = path.join(dir, 'editor');
  await mkdir(path.join(editor, 'assets'), { recursive: true });
  await writeFile(path.join(editor, 'index.html'), '<!doctype html><div id="root">switchyard editor</div>');
  await writeFile(path.join(editor, 'assets', 'app-1234.js'), 'console.log("editor")');

  service = await startService({
    port: 0,
    host: '127.0.0.1',
    redisUrl: redis.url,
    queuePrefix: '{serve-test}',
    worker: true,
    dataDir: path.join(dir, 'data'),
    examplesDir: examples,
    editorDir: editor,
    apiToken: TOKEN,
    logger: pino({ level: 'silent' }),
  });
});
afterAll(async () => {
  await service?.close();
  await redis?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('startService', () => {
  it('loads the example scenarios into the empty store as unpublished drafts', async () => {
    const res = await fetch(`${service.url}/api/scenarios`, { headers: auth });
    const body = await res.json();
    expect(body.items.map((s: any) => s.id).sort()).toEqual(['example-hook', 'example-one']);
    expect(body.items.every((s: any) => s.publishedVersion === null)).toBe(true);
  });

  it('serves the editor for / and /scenarios/<id>, its assets as files', async () => {
    for (const page of ['/', '/scenarios/example-one']) {
      const res = await fetch(service.url + page);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('switchyard editor');
    }
    const asset = await fetch(`${service.url}/assets/app-1234.js`);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${service.url}/assets/missing.js`)).status).toBe(404);
  });

  it('shows the queue dashboard only with the token (Basic auth for browsers)', async () => {
    const none = await fetch(`${service.url}/admin/queues`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/Basic/);
    const basic = await fetch(`${service.url}/admin/queues`, { headers: { authorization: `Basic ${Buffer.from(`ops:${TOKEN}`).toString('base64')}` } });
    expect(basic.status).toBe(200);
    expect(await basic.text()).toMatch(/<html/i);
    const queues = await fetch(`${service.url}/admin/queues/api/queues`, { headers: auth });
    const names = (await queues.json()).queues.map((q: any) => q.name);
    expect(names).toEqual(expect.arrayContaining(['switchyard-runs', 'switchyard-schedules']));
  });

  it('runs a published webhook scenario through Redis and the worker', async () => {
    const publish = await fetch(`${service.url}/api/scenarios/example-hook/publish`, { method: 'POST', headers: auth });
    expect(publish.status).toBe(200);
    const hook = await fetch(`${service.url}/hooks/example`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ v: 9 }) });
    expect(hook.status).toBe(202);
    const { runId } = await hook.json();
    const run = await service.engine.waitForRun(runId, 15_000);
    expect(run?.status).toBe('succeeded');
    expect(run?.steps.find((s) => s.nodeId === 'x')?.output).toEqual({ got: 9 });
    const health = await (await fetch(`${service.url}/api/health`)).json();
    expect(health).toMatchObject({ status: 'ok', store: 'pglite', scheduler: 'bullmq' });
    const unauthorised = await fetch(`${service.url}/api/runs/${runId}`);
    expect(unauthorised.status).toBe(401);
    expectErrorShape(await unauthorised.json());
  });
});
