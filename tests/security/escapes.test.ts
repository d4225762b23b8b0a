/**
 * What reads files or takes uploads cannot be made to run or read what it
 * should not:
 *
 * - a `SWITCHYARD_NODES` folder holding a symlink to a file outside it is
 *   refused (the file is never imported), by the registry and by
 *   `startService`;
 * - `data.load` paths cannot leave the data folders by `..`, an absolute path
 *   or a symlink;
 * - `POST /api/import` parses uploads as data: JavaScript in a blueprint's or
 *   diagram's strings comes back as text and never runs.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../../nodes';
import { resolveDataPath } from '../../nodes/segmentation/data/sources';
import { startService } from '../../engine/server/serve';
import { startInProcessService, type InProcessService } from '../reliability/service';

const flag = globalThis as { __switchyardEscaped?: string };
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-escape-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('custom node folders', () => {
  it('refuse a symlink that leads outside the folder, without importing it', async () => {
    const outside = path.join(dir, 'outside.mjs');
    // Had it been imported, this would mark the global and register a node type.
    await writeFile(outside, `globalThis.__switchyardEscaped = 'imported';\nexport default [];\n`);
    const folder = path.join(dir, 'nodes');
    await mkdir(folder);
    await symlink(outside, path.join(folder, 'evil.mjs'));
    await expect(createRegistry(folder)).rejects.toThrow(/evil\.mjs points outside/);
    const saved = process.env.SWITCHYARD_NODES;
    process.env.SWITCHYARD_NODES = folder;
    try {
      await expect(startService({ port: 0, host: '127.0.0.1', dataDir: path.join(dir, 'data'), examplesDir: false, serveEditor: false })).rejects.toThrow(/points outside/);
    } finally {
      if (saved === undefined) delete process.env.SWITCHYARD_NODES;
      else process.env.SWITCHYARD_NODES = saved;
    }
    expect(flag.__switchyardEscaped).toBeUndefined();
  });
});

describe('data.load paths', () => {
  it('cannot leave the data folders by .., an absolute path or a symlink', async () => {
    const data = path.join(dir, 'data-root');
    await mkdir(data, { recursive: true });
    await writeFile(path.join(data, 'customers.csv'), 'id\n1\n');
    await writeFile(path.join(dir, 'secret.csv'), 'password\nhunter2\n');
    await symlink(path.join(dir, 'secret.csv'), path.join(data, 'link.csv'));
    expect(await resolveDataPath('customers.csv', [data])).toBe(path.join(await import('node:fs/promises').then((f) => f.realpath(data)), 'customers.csv'));
    await expect(resolveDataPath('../secret.csv', [data])).rejects.toThrow(/outside the allowed data folders/);
    await expect(resolveDataPath(path.join(dir, 'secret.csv'), [data])).rejects.toThrow(/outside the allowed data folders/);
    await expect(resolveDataPath('link.csv', [data])).rejects.toThrow(/through a symlink/);
    await expect(resolveDataPath('/etc/passwd', [data])).rejects.toThrow(/outside the allowed data folders/);
  });
});

describe('uploaded imports', () => {
  let svc: InProcessService;
  beforeAll(async () => {
    svc = await startInProcessService();
  });
  afterAll(async () => {
    await svc?.close();
  });

  const payloads = [
    `"); globalThis.__switchyardEscaped = 'blueprint'; //`,
    `{{constructor.constructor('globalThis.__switchyardEscaped = "template"')()}}`,
    `\${globalThis.__switchyardEscaped = 'literal'}`,
    `<script>globalThis.__switchyardEscaped = 'html'</script>`,
  ];

  it('imports a Make blueprint whose strings hold JavaScript as text, running none of it', async () => {
    const blueprint = {
      name: payloads[0],
      flow: [
        { id: 1, module: 'gateway:CustomWebHook', version: 1, parameters: {}, mapper: {}, metadata: { designer: { x: 0, y: 0 } } },
        {
          id: 2,
          module: 'http:MakeRequest',
          version: 4,
          mapper: { url: `https://api.example.com/${payloads[1]}`, method: 'post', headers: [{ name: 'X-Eval', value: payloads[2] }], jsonStringBodyContent: payloads[3] },
          metadata: { designer: { x: 300, y: 0 } },
        },
        { id: 3, module: payloads[0], version: 1, mapper: { code: payloads[1] }, metadata: { designer: { x: 600, y: 0 } } },
      ],
      metadata: { version: 1 },
    };
    const res = await svc.call('/api/import', { raw: JSON.stringify(blueprint), headers: { 'content-type': 'application/json' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.format).toBe('make-blueprint');
    const text = JSON.stringify(res.body.scenario);
    // Each payload survives as data somewhere in the scenario (name, URL, header, body, placeholder).
    expect(text).toContain(JSON.stringify(payloads[0]).slice(1, -1));
    expect(text).toContain('globalThis.__switchyardEscaped = \\"template\\"');
    expect(flag.__switchyardEscaped).toBeUndefined();
  });

  it('imports a text diagram and a workflow record with JavaScript in them as text', async () => {
    const diagram = `flowchart LR\n  A((Start)) --> B[${payloads[0].replace(/[[\]]/g, '')}]\n  B --> C{"${payloads[2]}"}\n  C -->|"${payloads[3]}"| D[End]\n`;
    const res = await svc.call('/api/import', { raw: diagram, headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBeLessThan(500);
    const record = { workflow: { name: payloads[0], description: payloads[1], steps: [payloads[2], payloads[3]] } };
    const res2 = await svc.call('/api/import', { raw: JSON.stringify(record), headers: { 'content-type': 'application/json' } });
    expect(res2.status).toBeLessThan(500);
    for (const r of [res, res2]) if (r.status >= 400) expect(r.body.error.issues.length).toBeGreaterThan(0);
    expect(flag.__switchyardEscaped).toBeUndefined();
  });
});
