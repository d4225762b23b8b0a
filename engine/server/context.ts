/** What every router works with: the store, the engine, the registry and the trigger indexes. */
import type pino from 'pino';
import type { NodeRegistry } from '../../nodes/registry';
import type { Scheduler } from '../schedule/scheduler';
import type { SecretVault } from '../secrets/vault';
import type { Store } from '../store/store';
import type { ServiceEngine } from './engine-port';
import type { ServiceMetrics } from './metrics';
import type { WebhookIndex } from './webhook-index';

export interface ServiceLimits {
  /** Largest JSON body on /api (bytes or a size like "1mb"). */
  apiBodyLimit: string | number;
  /** Largest webhook body. */
  hookBodyLimit: string | number;
  /** Webhook requests per IP per minute. */
  hookRateLimit: number;
  /** Above this many queued runs, webhooks answer 429. 0 disables the check. */
  maxQueueDepth: number;
  /** Longest `?wait=true` or `respond: "result"` wait. */
  maxWaitMs: number;
}

export interface ServiceContext {
  store: Store;
  engine: ServiceEngine;
  registry: NodeRegistry;
  vault?: SecretVault;
  scheduler?: Scheduler;
  webhooks: WebhookIndex;
  metrics: ServiceMetrics;
  logger: pino.Logger;
  limits: ServiceLimits;
  /** Where `SWITCHYARD_VAR_<NAME>` overrides of `settings.vars` are read. */
  env: NodeJS.ProcessEnv;
  /** Closers of open event streams, ended when the server shuts down. */
  streams: Set<() => void>;
}

/**
 * Re-registers a scenario's webhook and schedule after it was saved, published, unpublished or deleted.
 * @example await triggersChanged(ctx, 'quarterly-review');
 */
export async function triggersChanged(ctx: ServiceContext, scenarioId: string): Promise<void> {
  await ctx.webhooks.refresh();
  if (!ctx.scheduler) return;
  const published = (await ctx.store.listPublished()).find((p) => p.id === scenarioId);
  if (published) await ctx.scheduler.set(published);
  else await ctx.scheduler.remove(scenarioId);
}
