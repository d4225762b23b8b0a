/**
 * The real service in this process, as `switchyard serve` starts it
 * (`startService`: PGlite in a temporary folder, in-process queue and
 * worker), so a test can look at this process's memory and at
 * `Object.prototype` while fetch drives it over loopback HTTP.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startService, type RunningService, type ServiceOptions } from '../../engine/server/serve';
import type { RunSummary } from '../../engine/store';
import { apiCall } from '../support/api-client';

export interface InProcessService {
  service: RunningService;
  url: string;
  /** JSON lines the service logged. */
  logs: string[];
  /** fetch with a JSON body (or a raw string); answers with status, headers and the parsed body. */
  call(pathname: string, init?: { method?: string; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: any; text: string }>;
  /** Every run of a scenario in the history (all pages). */
  runsOf(scenarioId: string): Promise<RunSummary[]>;
  close(): Promise<void>;
}

/**
 * Environment the service reads at start-up (limits, allow-list) is set by the caller before this.
 * @example const svc = await startInProcessService(); await svc.call('/api/scenarios', { body: doc });
 */
export async function startInProcessService(options: Partial<ServiceOptions> = {}): Promise<InProcessService> {
  // PGlite in memory-backed tmpfs where there is one: the suites measure the service, not the disk.
  const dataDir = await mkdtemp(path.join(existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'switchyard-svc-'));
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
  const service = await startService({ port: 0, host: '127.0.0.1', dataDir, examplesDir: false, serveEditor: false, logger, ...options });
  const url = service.url;
  return {
    service,
    url,
    logs,
    call: (pathname, init = {}) => apiCall(url, pathname, init),
    async runsOf(scenarioId) {
      const runs: RunSummary[] = [];
      let cursor: string | undefined;
      do {
        const page = await service.store.listRuns({ scenarioId, limit: 500, cursor });
        runs.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return runs;
    },
    async close() {
      await service.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
