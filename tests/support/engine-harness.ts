/**
 * Builds engines for the engine suite on either driver, so every behaviour
 * is checked on BullMQ (against a private redis-server) and in-process alike.
 */
import { randomUUID } from 'node:crypto';
import { createRegistry } from '../../nodes';
import type { NodeRegistry } from '../../nodes/registry';
import { Engine, MemoryScenarioSource } from '../../engine/runtime/engine';
import type { Scenario } from '../../engine/scenario/schema';
import { startRedis, type TestRedis } from './redis-server';

export type DriverName = 'memory' | 'bullmq';
export const DRIVERS: DriverName[] = ['memory', 'bullmq'];

export interface Harness {
  engine(scenarios: Scenario[], options?: { secrets?: Record<string, string>; registry?: NodeRegistry }): Promise<Engine>;
  redis?: TestRedis;
  close(): Promise<void>;
}

/** One harness per test file and driver; call `close` in afterAll. */
export async function createHarness(driver: DriverName): Promise<Harness> {
  const redis = driver === 'bullmq' ? await startRedis() : undefined;
  const engines: Engine[] = [];
  const registry = await createRegistry();
  return {
    redis,
    async engine(scenarios, options = {}) {
      const engine = await Engine.create({
        registry: options.registry ?? registry,
        scenarios: new MemoryScenarioSource(scenarios),
        secrets: { all: async () => options.secrets ?? {} },
        redisUrl: redis?.url,
        // A fresh prefix per engine keeps tests in one Redis from seeing each other's jobs.
        queuePrefix: redis ? `{t${randomUUID().slice(0, 8)}}` : undefined,
        allowHosts: ['127.0.0.1'],
      });
      await engine.startWorker({ concurrency: 4 });
      engines.push(engine);
      return engine;
    },
    async close() {
      for (const engine of engines) await engine.close();
      await redis?.close();
    },
  };
}

/** A scenario document from a compact description. */
export function scenario(id: string, nodes: Scenario['nodes'], edges: Array<Partial<Scenario['edges'][number]> & { from: string; to: string }>, extra: Partial<Scenario> = {}): Scenario {
  return { format: 'switchyard/scenario@1', id, name: id, nodes, edges, ...extra } as Scenario;
}
