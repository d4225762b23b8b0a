/**
 * A real service for API tests: in-memory PGlite store, the in-process
 * engine with its worker, the secret vault, timer schedules, and the HTTP
 * server listening on 127.0.0.1. Requests go over real HTTP with `fetch`.
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { createRegistry } from '../../nodes';
import type { NodeRegistry } from '../../nodes/registry';
import { Engine } from '../../engine/runtime/engine';
import type { Scenario } from '../../engine/scenario/schema';
import { createScheduler, type Scheduler } from '../../engine/schedule';
import { SecretVault } from '../../engine/secrets/vault';
import { createServer, type ServerOptions, type SwitchyardServer } from '../../engine/server/create-server';
import { openStore, type Store } from '../../engine/store';
import { apiCall } from '../support/api-client';

export interface TestService {
  url: string;
  store: Store;
  engine: Engine;
  vault: SecretVault;
  scheduler: Scheduler;
  server: SwitchyardServer;
  registry: NodeRegistry;
  /** Lines the service logged (pino JSON), to search for leaked secrets. */
  logs: string[];
  /** fetch against the service; JSON bodies are stringified, the answer's JSON parsed. */
  api(path: string, init?: { method?: string; body?: unknown; headers?: Record<string, string>; raw?: string | Buffer }): Promise<{ status: number; headers: Headers; body: any; text: string }>;
  close(): Promise<void>;
}

export interface TestServiceOptions extends Partial<Pick<ServerOptions, 'apiToken' | 'limits' | 'editorDir' | 'env'>> {
  store?: Store;
}

/**
 * @example const svc = await startTestService(); const { body } = await svc.api('/api/health');
 */
export async function startTestService(options: TestServiceOptions = {}): Promise<TestService> {
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
  const registry = await createRegistry();
  const store = options.store ?? (await openStore({ memory: true }));
  const vault = new SecretVault(store, randomBytes(32), 0);
  const engine = await Engine.create({ registry, scenarios: store, history: store, secrets: vault, logger, allowHosts: ['127.0.0.1'] });
  await engine.startWorker({ concurrency: 4 });
  const scheduler = createScheduler({ engine, logger });
  await scheduler.sync(await store.listPublished());
  const server = await createServer({ store, engine, registry, vault, scheduler, logger, editorDir: options.editorDir ?? false, apiToken: options.apiToken ?? '', limits: options.limits, env: options.env ?? {} });
  const port = await server.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    store,
    engine,
    vault,
    scheduler,
    server,
    registry,
    logs,
    api: (path, init = {}) => apiCall(url, path, init),
    async close() {
      await server.close();
      await scheduler.close();
      await engine.close();
      await store.close();
    },
  };
}

/** A minimal valid scenario: trigger → transform, with optional overrides. */
export function scenarioDoc(id: string, over: Partial<Scenario> = {}): Scenario {
  return {
    format: 'switchyard/scenario@1',
    id,
    name: `Scenario ${id}`,
    nodes: [
      { id: 'trigger', type: 'trigger.manual', config: {} },
      { id: 'double', type: 'transform', config: { expression: '{ "n": input.n * 2 }' } },
    ],
    edges: [{ from: 'trigger', to: 'double' }],
    ...over,
  } as Scenario;
}

/** The error shape every failing response must have. */
export function expectErrorShape(body: any): { code: string; message: string; issues: Array<{ path: string; message: string }> } {
  if (!body || typeof body !== 'object' || !body.error) throw new Error(`Not an error body: ${JSON.stringify(body)}`);
  const { code, message, issues } = body.error;
  if (typeof code !== 'string' || typeof message !== 'string' || !Array.isArray(issues)) throw new Error(`Malformed error: ${JSON.stringify(body)}`);
  for (const issue of issues) if (typeof issue.path !== 'string' || typeof issue.message !== 'string') throw new Error(`Malformed issue: ${JSON.stringify(issue)}`);
  return body.error;
}
