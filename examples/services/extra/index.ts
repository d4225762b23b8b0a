/**
 * The stand-ins the five extra examples need, on their own HTTP server, and
 * `startExampleServices()`, which starts them together with the shared
 * stand-ins of `examples/services` and says how to point a scenario at both.
 *
 * Mounted under: `/esp` (deliverability, engagement, analytics), `/flags`
 * (experiments), `/accounts` (billing, feedback, data systems), `/keys`
 * (API keys and clients), `/audit` (audit log), `/payments` (charges and disputes).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Scenario } from '../../../engine/scenario/schema';
import { startServices, type RunningServices } from '../index';
import type { ServiceRecorder } from '../recorder';
import { createAccountsService } from './accounts';
import { createAuditService } from './audit';
import { createEspService } from './esp';
import { createFlagsService } from './flags';
import { createKeysService } from './keys';
import { createPaymentsService } from './payments';

/** The ports the examples' `settings.vars` point at, so `switchyard run` works with no overrides. */
export const DEFAULT_PORTS = { services: 4010, extra: 4011, smtp: 2525 } as const;

export interface RunningExtraServices {
  urls: { base: string; esp: string; flags: string; accounts: string; keys: string; audit: string; payments: string };
  recorders: { esp: ServiceRecorder; flags: ServiceRecorder; accounts: ServiceRecorder; keys: ServiceRecorder; audit: ServiceRecorder; payments: ServiceRecorder };
  keysAdminToken: string;
  paymentsApiKey: string;
  reset(): void;
  close(): Promise<void>;
}

/**
 * @example const extra = await startExtraServices({ port: 0 }); … await extra.close();
 */
export async function startExtraServices(options: { port?: number; host?: string } = {}): Promise<RunningExtraServices> {
  const host = options.host ?? '127.0.0.1';
  const esp = createEspService();
  const flags = createFlagsService();
  const accounts = createAccountsService();
  const keys = createKeysService();
  const audit = createAuditService();
  const payments = createPaymentsService();
  const app = express();
  app.disable('x-powered-by');
  app.use('/esp', esp.router);
  app.use('/flags', flags.router);
  app.use('/accounts', accounts.router);
  app.use('/keys', keys.router);
  app.use('/audit', audit.router);
  app.use('/payments', payments.router);
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const base = `http://${host}:${(server.address() as AddressInfo).port}`;
  const recorders = { esp: esp.recorder, flags: flags.recorder, accounts: accounts.recorder, keys: keys.recorder, audit: audit.recorder, payments: payments.recorder };
  return {
    urls: { base, esp: `${base}/esp`, flags: `${base}/flags`, accounts: `${base}/accounts`, keys: `${base}/keys`, audit: `${base}/audit`, payments: `${base}/payments` },
    recorders,
    keysAdminToken: keys.adminToken,
    paymentsApiKey: payments.apiKey,
    reset: () => Object.values(recorders).forEach((r) => r.reset()),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export interface ExampleServices {
  services: RunningServices;
  extra: RunningExtraServices;
  /** `SWITCHYARD_VAR_*` overrides pointing every example's URLs at these stand-ins (pass as the engine's `env`). */
  env: Record<string, string>;
  /** The secrets the examples read, with the values these stand-ins accept (plus the webhook signing secrets). */
  secrets: Record<string, string>;
  /**
   * The scenario with its `email.send` nodes pointed at this SMTP sink's port
   * (a port is a number field, so `settings.vars` cannot carry it).
   */
  pointAt(scenario: Scenario): Scenario;
  reset(): void;
  close(): Promise<void>;
}

/** The webhook signing secrets the examples verify (any value works; senders must use the same). */
export const WEBHOOK_SECRETS = { SEGMENT_SECRET: 'segment-shared-secret', DISPUTES_WEBHOOK_SECRET: 'disputes-shared-secret' } as const;

/**
 * Starts every stand-in the examples call (free ports by default).
 *
 * @example
 * const stand = await startExampleServices();
 * const record = await runScenarioOnce(stand.pointAt(doc), input, { registry, env: stand.env, secrets: stand.secrets, allowHosts: ['127.0.0.1'] });
 */
export async function startExampleServices(options: { port?: number; extraPort?: number; smtpPort?: number } = {}): Promise<ExampleServices> {
  const services = await startServices({ port: options.port ?? 0, smtpPort: options.smtpPort ?? 0 });
  let extra: RunningExtraServices;
  try {
    extra = await startExtraServices({ port: options.extraPort ?? 0 });
  } catch (error) {
    await services.close();
    throw error;
  }
  const env = {
    SWITCHYARD_VAR_ML_URL: services.urls.ml,
    SWITCHYARD_VAR_CONTENT_URL: services.urls.content,
    SWITCHYARD_VAR_BRAZE_URL: services.urls.braze,
    SWITCHYARD_VAR_PUSH_URL: services.urls.push,
    SWITCHYARD_VAR_SMTP_HOST: services.smtp.host,
    SWITCHYARD_VAR_ESP_URL: extra.urls.esp,
    SWITCHYARD_VAR_FLAGS_URL: extra.urls.flags,
    SWITCHYARD_VAR_ACCOUNTS_URL: extra.urls.accounts,
    SWITCHYARD_VAR_KEYS_URL: extra.urls.keys,
    SWITCHYARD_VAR_AUDIT_URL: extra.urls.audit,
    SWITCHYARD_VAR_PAYMENTS_URL: extra.urls.payments,
  };
  const secrets = {
    ...WEBHOOK_SECRETS,
    BRAZE_API_KEY: services.brazeApiKey,
    PUSH_API_KEY: services.pushApiKey,
    KEYS_ADMIN_TOKEN: extra.keysAdminToken,
    PAYMENTS_API_KEY: extra.paymentsApiKey,
  };
  return {
    services,
    extra,
    env,
    secrets,
    pointAt: (scenario) => ({
      ...scenario,
      nodes: scenario.nodes.map((node) => (node.type === 'email.send' ? { ...node, config: { ...node.config, port: services.smtp.port } } : node)),
    }),
    reset() {
      services.reset();
      extra.reset();
    },
    async close() {
      await Promise.all([services.close(), extra.close()]);
    },
  };
}
