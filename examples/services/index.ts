/**
 * Starts every local stand-in for the outside services the examples call:
 * one HTTP server with the ML API under `/ml`, the content service under
 * `/cms`, Braze under `/braze`, push under `/push` (and the SMTP sink's
 * records under `/smtp`), plus the SMTP sink on its own port.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createBrazeService } from './braze';
import { createContentService } from './content';
import { createMlService } from './ml';
import { createPushService } from './push';
import type { ServiceRecorder } from './recorder';
import { startSmtpSink, type SmtpSink } from './smtp';

export interface StartServicesOptions {
  /** HTTP port; 0 (default) picks a free one. */
  port?: number;
  /** SMTP port; 0 (default) picks a free one. */
  smtpPort?: number;
  /** Default 127.0.0.1. */
  host?: string;
  brazeApiKey?: string;
  pushApiKey?: string;
  /** SMTP AUTH users (user → password); default none (no AUTH). */
  smtpUsers?: Record<string, string>;
}

export interface RunningServices {
  urls: { base: string; ml: string; content: string; braze: string; push: string; smtp: string };
  smtp: SmtpSink;
  brazeApiKey: string;
  pushApiKey: string;
  /** Each stand-in's records and fault controls. */
  recorders: { ml: ServiceRecorder; content: ServiceRecorder; braze: ServiceRecorder; push: ServiceRecorder; smtp: ServiceRecorder };
  /** Clears every record and pending fault. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * @example
 * const services = await startServices();
 * process.env.SWITCHYARD_ALLOW_HOSTS = '127.0.0.1';
 * // POST `${services.urls.ml}/predict` …
 * await services.close();
 */
export async function startServices(options: StartServicesOptions = {}): Promise<RunningServices> {
  const host = options.host ?? '127.0.0.1';
  const ml = createMlService();
  const content = createContentService();
  const braze = createBrazeService({ apiKey: options.brazeApiKey });
  const push = createPushService({ apiKey: options.pushApiKey });
  const smtp = await startSmtpSink({ port: options.smtpPort ?? 0, host, users: options.smtpUsers });

  const app = express();
  app.disable('x-powered-by');
  app.use('/ml', ml.router);
  app.use('/cms', content.router);
  app.use('/braze', braze.router);
  app.use('/push', push.router);
  app.use('/smtp', smtp.recorder.middleware());
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const recorders = { ml: ml.recorder, content: content.recorder, braze: braze.recorder, push: push.recorder, smtp: smtp.recorder };
  return {
    urls: { base, ml: `${base}/ml`, content: `${base}/cms`, braze: `${base}/braze`, push: `${base}/push`, smtp: `smtp://${host}:${smtp.port}` },
    smtp,
    brazeApiKey: braze.apiKey,
    pushApiKey: push.apiKey,
    recorders,
    reset: () => Object.values(recorders).forEach((r) => r.reset()),
    async close() {
      // Hanging (fault-injected) requests would keep close() waiting forever.
      server.closeAllConnections();
      await Promise.all([new Promise((resolve) => server.close(resolve)), smtp.close()]);
    },
  };
}

export { mlConfidence, createMlService } from './ml';
export { contentVariants, createContentService } from './content';
export { sampleSegmentEvents, sendSegmentEvents, signSegmentBody, type SegmentEvent } from './segment-sender';
export { ServiceRecorder, type Fault, type RecordedRequest } from './recorder';
export { startSmtpSink, parseMail, type ReceivedMail, type SmtpSink } from './smtp';
export { createBrazeService, type BrazeServiceOptions } from './braze';
export { createPushService, type PushServiceOptions } from './push';
