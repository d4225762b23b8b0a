/**
 * The HTTP service: the API under `/api`, webhooks under `/hooks`,
 * `/metrics`, the queue dashboard and the editor. Routers live one per
 * resource in `routes/`; this file only assembles them in order.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import helmet from 'helmet';
import pino from 'pino';
import type { NodeRegistry } from '../../nodes/registry';
import type { Scheduler } from '../schedule/scheduler';
import type { SecretVault } from '../secrets/vault';
import type { Store } from '../store/store';
import { tokenAuth } from './auth';
import type { ServiceContext, ServiceLimits } from './context';
import { cors } from './cors';
import { DASHBOARD_PATH, dashboardRouter } from './dashboard';
import { editorRouter } from './editor-static';
import type { ServiceEngine } from './engine-port';
import { errorHandler, notFoundHandler } from './errors';
import { JSON_BODY_TYPE, requireJsonBody } from './json-body';
import { jsonDepthGuard } from './json-depth';
import { createMetrics } from './metrics';
import { eventsRouter } from './routes/events';
import { healthRouter } from './routes/health';
import { hooksRouter } from './routes/hooks';
import { importRouter } from './routes/import';
import { nodeTypesRouter } from './routes/node-types';
import { runsRouter } from './routes/runs';
import { scenariosRouter } from './routes/scenarios';
import { secretsRouter } from './routes/secrets';
import { WebhookIndex } from './webhook-index';

export interface ServerOptions {
  store: Store;
  engine: ServiceEngine;
  registry: NodeRegistry;
  vault?: SecretVault;
  scheduler?: Scheduler;
  /** Extra queues for the dashboard besides `engine.queues()` (the schedule queue). */
  extraQueues?: import('bullmq').Queue[];
  logger?: pino.Logger;
  /** Default `SWITCHYARD_API_TOKEN`; unset leaves the API open (local use). */
  apiToken?: string;
  /** Default `SWITCHYARD_CORS_ORIGINS` (comma-separated); none by default. */
  corsOrigins?: string[];
  /** The editor build to serve; default `dist/editor` when it exists. */
  editorDir?: string | false;
  /** Where `SWITCHYARD_VAR_<NAME>` overrides come from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  limits?: Partial<ServiceLimits>;
}

export interface SwitchyardServer {
  app: Express;
  context: ServiceContext;
  /** Listens on `port` (0 picks a free one) at `host` (default all interfaces); resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

const numberFromEnv = (name: string, fallback: number) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
};

/**
 * @example
 * const server = await createServer({ store, engine, registry, vault, scheduler });
 * await server.listen(3000);
 */
export async function createServer(options: ServerOptions): Promise<SwitchyardServer> {
  const logger = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const limits: ServiceLimits = {
    apiBodyLimit: options.limits?.apiBodyLimit ?? process.env.SWITCHYARD_BODY_LIMIT ?? '1mb',
    hookBodyLimit: options.limits?.hookBodyLimit ?? process.env.SWITCHYARD_HOOK_BODY_LIMIT ?? '256kb',
    hookRateLimit: options.limits?.hookRateLimit ?? numberFromEnv('SWITCHYARD_HOOK_RATE_LIMIT', 6000),
    maxQueueDepth: options.limits?.maxQueueDepth ?? numberFromEnv('SWITCHYARD_MAX_QUEUE_DEPTH', 0),
    maxWaitMs: options.limits?.maxWaitMs ?? numberFromEnv('SWITCHYARD_MAX_WAIT_MS', 120_000),
  };
  const webhooks = new WebhookIndex(options.store);
  await webhooks.refresh();
  const metrics = createMetrics(options.engine, options.store);
  const ctx: ServiceContext = {
    store: options.store,
    engine: options.engine,
    registry: options.registry,
    vault: options.vault,
    scheduler: options.scheduler,
    webhooks,
    metrics,
    logger,
    limits,
    env: options.env ?? process.env,
    streams: new Set(),
  };
  const token = options.apiToken ?? (process.env.SWITCHYARD_API_TOKEN || undefined);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', process.env.SWITCHYARD_TRUST_PROXY === '1' ? 1 : false);
  app.use(helmet({ crossOriginEmbedderPolicy: false }));
  app.use(cors(options.corsOrigins ?? (process.env.SWITCHYARD_CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean)));

  app.use(
    '/api',
    tokenAuth(token, {
      skip: (req) => req.path === '/health',
      allowQuery: (req) => req.method === 'GET' && req.path.endsWith('/events'),
    }),
  );
  app.use('/api/health', healthRouter(ctx));
  // The importer reads any body as text, so it sits before the JSON parser.
  app.use('/api/import', importRouter(ctx));
  app.use('/api', requireJsonBody(), express.json({ type: JSON_BODY_TYPE, limit: limits.apiBodyLimit, strict: false }), jsonDepthGuard());
  app.use('/api/scenarios', scenariosRouter(ctx));
  app.use('/api/node-types', nodeTypesRouter(ctx));
  app.use('/api/secrets', secretsRouter(ctx));
  app.use('/api', eventsRouter(ctx));
  app.use('/api', runsRouter(ctx));
  app.use('/api', notFoundHandler);

  app.use('/hooks', hooksRouter(ctx));
  app.get('/metrics', tokenAuth(process.env.SWITCHYARD_METRICS_TOKEN || undefined), async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  const queues = [...((options.engine.queues?.() ?? []) as import('bullmq').Queue[]), ...(options.extraQueues ?? [])];
  if (queues.length > 0) {
    // bull-board's page runs inline scripts; helmet's strict policy would blank it.
    app.use(DASHBOARD_PATH, tokenAuth(token, { allowBasic: true }), helmet({ contentSecurityPolicy: false }), await dashboardRouter(queues));
  }

  const editor = options.editorDir === false ? undefined : editorRouter(options.editorDir ?? 'dist/editor');
  if (editor) app.use(editor);
  app.use(notFoundHandler);
  app.use(errorHandler(logger));

  let server: http.Server | undefined;
  const sockets = new Set<import('node:net').Socket>();
  return {
    app,
    context: ctx,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server = http.createServer(app);
        server.on('connection', (socket) => {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
        });
        server.once('error', reject);
        server.listen(port, host, () => resolve((server!.address() as AddressInfo).port));
      }),
    close: async () => {
      metrics.close();
      for (const end of [...ctx.streams]) end();
      if (!server) return;
      const closing = new Promise<void>((resolve) => server!.close(() => resolve()));
      // Live event streams never end on their own; idle keep-alive sockets neither.
      server.closeIdleConnections();
      setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, 2000).unref();
      for (const socket of sockets) if (!(socket as { _httpMessage?: unknown })._httpMessage) socket.destroy();
      await closing;
    },
  };
}
