/**
 * The long-running commands: `switchyard serve` (API, editor, schedules and,
 * in embedded mode, the worker) and `switchyard worker` (BullMQ mode: takes
 * runs from Redis; start as many as you like, on any machine that reaches
 * the same Redis and database). Both shut down gracefully on SIGTERM/SIGINT:
 * no new work is taken, active segments finish, connections close.
 */
import path from 'node:path';
import pino from 'pino';
import { createRegistry } from '../../nodes';
import { Engine } from '../runtime/engine';
import { loadSecretKey } from '../secrets/key';
import { SecretVault } from '../secrets/vault';
import { warnAboutVarOverrides } from '../server/var-override-warnings';
import { openStore } from '../store';
import { UsageError } from './errors';
import { checkServices } from './service-check';
import { sharedStoreProblem } from './shared-store';

function onShutdown(close: () => Promise<void>, logger: pino.Logger): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down: finishing active work');
    close().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/**
 * @example await runProcess('serve', { port: '3000' }); // keeps running until SIGTERM
 */
export async function runProcess(command: 'serve' | 'worker', args: { port?: string; concurrency?: string }): Promise<number> {
  const env = process.env;
  if (command === 'worker' && !env.REDIS_URL) {
    throw new UsageError('switchyard worker needs REDIS_URL (BullMQ mode). In embedded mode, `switchyard serve` runs the worker itself.');
  }
  const refused = sharedStoreProblem(command, env);
  if (refused) throw new UsageError(refused);
  // Before anything connects for real: BullMQ's connection would retry an unreachable Redis forever.
  await checkServices(command, { redisUrl: env.REDIS_URL || undefined, databaseUrl: env.DATABASE_URL || undefined });
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const concurrency = args.concurrency ? Number(args.concurrency) : env.SWITCHYARD_CONCURRENCY ? Number(env.SWITCHYARD_CONCURRENCY) : undefined;
  if (command === 'serve') {
    const { startService } = await import('../server/serve');
    const service = await startService({
      port: Number(args.port ?? env.PORT ?? 3000),
      host: env.HOST,
      redisUrl: env.REDIS_URL || undefined,
      databaseUrl: env.DATABASE_URL || undefined,
      dataDir: env.SWITCHYARD_DATA_DIR,
      worker: env.SWITCHYARD_SERVE_WORKER ? env.SWITCHYARD_SERVE_WORKER === '1' : undefined,
      concurrency,
      apiToken: env.SWITCHYARD_API_TOKEN || undefined,
      queuePrefix: env.SWITCHYARD_QUEUE_PREFIX,
      logger,
    });
    logger.info({ url: service.url, mode: env.REDIS_URL ? 'bullmq' : 'embedded' }, `Switchyard is serving on ${service.url}`);
    if (process.stdout.isTTY) console.log(`\n  Switchyard editor: ${service.url}/\n`);
    onShutdown(() => service.close(), logger);
    return -1;
  }
  const dataDir = path.resolve(env.SWITCHYARD_DATA_DIR ?? '.switchyard');
  const registry = await createRegistry(env.SWITCHYARD_NODES);
  const store = await openStore({ databaseUrl: env.DATABASE_URL || undefined, dataDir });
  // This worker's own environment is what its runs read: say at once which overrides will not.
  await warnAboutVarOverrides(store, env, logger);
  const secretKey = await loadSecretKey({ keyText: env.SWITCHYARD_SECRET_KEY, dataDir });
  const engine = await Engine.create({
    registry,
    scenarios: store,
    history: store,
    secrets: new SecretVault(store, secretKey.key),
    redisUrl: env.REDIS_URL,
    queuePrefix: env.SWITCHYARD_QUEUE_PREFIX,
    logger,
  });
  logger.info({ concurrency: await engine.startWorker({ concurrency }) }, 'worker is taking runs');
  onShutdown(async () => {
    await engine.close();
    await store.close();
  }, logger);
  return -1;
}
