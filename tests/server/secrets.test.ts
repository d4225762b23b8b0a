/**
 * Secrets: set, list and delete through the API; stored encrypted; used by
 * a run through `{{ secrets.NAME }}`; and never present in any API
 * response, run record or log line (searched for as text).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret } from '../../engine/secrets/cipher';
import { loadSecretKey, parseSecretKey } from '../../engine/secrets/key';
import { expectErrorShape, scenarioDoc, startTestService, type TestService } from './harness';

const TOKEN = 'sk-live-9d8c7b6a5f4e3d2c';
let svc: TestService;
let echo: http.Server;
let echoUrl: string;
const received: string[] = [];
const responses: string[] = [];

beforeAll(async () => {
  svc = await startTestService();
  // A stand-in API that echoes the request headers back, as a careless API might.
  echo = http.createServer((req, res) => {
    received.push(String(req.headers.authorization));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ youSent: req.headers }));
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await svc?.close();
  await new Promise((r) => echo?.close(r));
});

/** Calls the API and remembers the raw response text for the final search. */
async function call(pathname: string, init?: Parameters<TestService['api']>[1]) {
  const res = await svc.api(pathname, init);
  responses.push(res.text);
  return res;
}

describe('secrets API', () => {
  it('sets a secret and lists its name, never its value', async () => {
    const put = await call('/api/secrets/ECHO_TOKEN', { method: 'PUT', body: { value: TOKEN } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ name: 'ECHO_TOKEN' });
    const list = await call('/api/secrets');
    expect(list.body.items.map((s: any) => s.name)).toEqual(['ECHO_TOKEN']);
    expect(Object.keys(list.body.items[0]).sort()).toEqual(['name', 'updatedAt']);
  });

  it('refuses names unusable in templates and empty values', async () => {
    const badName = await call('/api/secrets/my-token', { method: 'PUT', body: { value: 'x' } });
    expect(badName.status).toBe(400);
    expect(expectErrorShape(badName.body).issues[0].path).toBe('name');
    const noValue = await call('/api/secrets/OK_NAME', { method: 'PUT', body: {} });
    expect(noValue.status).toBe(400);
    expect(expectErrorShape(noValue.body).issues[0].path).toBe('body.value');
  });

  it('stores only ciphertext', async () => {
    const rows = await svc.store.secretCiphertexts();
    expect(rows).toHaveLength(1);
    expect(rows[0].ciphertext).not.toContain(TOKEN);
    expect(rows[0].ciphertext).not.toContain(Buffer.from(TOKEN).toString('base64'));
  });

  it('lets a run use the secret while keeping it out of responses, run records and logs', async () => {
    await call('/api/scenarios', {
      body: scenarioDoc('uses-secret', {
        nodes: [
          { id: 'trigger', type: 'trigger.manual' },
          { id: 'call', type: 'http.request', config: { method: 'GET', url: `${echoUrl}/me`, headers: { authorization: 'Bearer {{ secrets.ECHO_TOKEN }}' } } },
        ] as any,
        edges: [{ from: 'trigger', to: 'call' }],
      }),
    });
    const run = await call('/api/scenarios/uses-secret/runs?wait=true', { body: {} });
    expect(run.status).toBe(200);
    expect(run.body.status).toBe('succeeded');
    // The secret did reach the outside API…
    expect(received).toContain(`Bearer ${TOKEN}`);
    // …and the echo of it came back redacted.
    expect(JSON.stringify(run.body.steps.find((s: any) => s.nodeId === 'call').output)).toContain('[redacted]');

    await call(`/api/runs/${run.body.id}`);
    await call('/api/runs?scenarioId=uses-secret');
    await call('/api/scenarios/uses-secret');
    const stored = await svc.store.getRun(run.body.id);
    expect(stored).toBeDefined();

    for (const text of [...responses, JSON.stringify(stored), ...svc.logs]) expect(text).not.toContain(TOKEN);
  });

  it('deletes a secret (204), then 404', async () => {
    expect((await call('/api/secrets/ECHO_TOKEN', { method: 'DELETE' })).status).toBe(204);
    expect((await call('/api/secrets/ECHO_TOKEN', { method: 'DELETE' })).status).toBe(404);
    expect((await call('/api/secrets')).body.items).toEqual([]);
  });
});

describe('secret key', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-key-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('generates a key once in embedded mode, readable only by its owner, and reuses it', async () => {
    const first = await loadSecretKey({ dataDir: dir });
    expect(first.source).toBe('generated');
    expect(first.key).toHaveLength(32);
    expect((await stat(path.join(dir, 'secret.key'))).mode & 0o777).toBe(0o600);
    const second = await loadSecretKey({ dataDir: dir });
    expect(second.source).toBe('file');
    expect(second.key.equals(first.key)).toBe(true);
    expect((await readFile(path.join(dir, 'secret.key'), 'utf8')).trim()).toBe(first.key.toString('base64'));
  });

  it('takes SWITCHYARD_SECRET_KEY as hex or base64 and names the problem with a wrong length', async () => {
    const key = randomBytes(32);
    expect(parseSecretKey(key.toString('hex')).equals(key)).toBe(true);
    expect((await loadSecretKey({ keyText: key.toString('base64'), dataDir: dir })).key.equals(key)).toBe(true);
    expect(() => parseSecretKey('c2hvcnQ=')).toThrow(/SWITCHYARD_SECRET_KEY must be 32 bytes.*decodes to 5 bytes/);
  });

  it('refuses to decrypt with another key or under another name', () => {
    const key = randomBytes(32);
    const stored = encryptSecret(key, 'BRAZE_KEY', 'value-1');
    expect(decryptSecret(key, 'BRAZE_KEY', stored)).toBe('value-1');
    expect(() => decryptSecret(randomBytes(32), 'BRAZE_KEY', stored)).toThrow(/SWITCHYARD_SECRET_KEY differs/);
    expect(() => decryptSecret(key, 'OTHER', stored)).toThrow(/cannot be decrypted/);
  });
});
