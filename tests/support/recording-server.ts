/**
 * A small local HTTP stand-in for engine tests: records every request (with
 * its Idempotency-Key and arrival time) and answers by a per-path script —
 * fail N times, answer 429 with Retry-After, hang, or succeed with JSON.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  idempotencyKey?: string;
  body: unknown;
  at: number;
}

export interface PathScript {
  /** Answer 500 to the first N requests. */
  failTimes?: number;
  /** Answer every request with this status. */
  alwaysStatus?: number;
  /** Answer 429 with this Retry-After (seconds) to the first request. */
  retryAfterSeconds?: number;
  /** Never answer. */
  hang?: boolean;
  /** Wait this long before answering. */
  delayMs?: number;
  /** JSON to answer with (default: echo of the body). */
  reply?: unknown;
}

export interface RecordingServer {
  url: string;
  requests: RecordedRequest[];
  script(path: string, script: PathScript): void;
  countFor(path: string): number;
  close(): Promise<void>;
}

/**
 * @example
 * const stand = await startRecordingServer();
 * stand.script('/flaky', { failTimes: 2 });
 * // … run a scenario that calls `${stand.url}/flaky` …
 * stand.countFor('/flaky') // → 3
 */
export async function startRecordingServer(): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const scripts = new Map<string, PathScript>();
  const seen = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* keep text */
      }
      requests.push({ method: req.method ?? 'GET', path, idempotencyKey: req.headers['idempotency-key'] as string | undefined, body, at: Date.now() });
      const n = (seen.get(path) ?? 0) + 1;
      seen.set(path, n);
      const script = scripts.get(path) ?? {};
      if (script.hang) return;
      const answer = () => {
        if (script.retryAfterSeconds !== undefined && n === 1) {
          res.writeHead(429, { 'retry-after': String(script.retryAfterSeconds), 'content-type': 'application/json' }).end('{"error":"slow down"}');
        } else if (script.alwaysStatus) {
          res.writeHead(script.alwaysStatus, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `status ${script.alwaysStatus}` }));
        } else if (script.failTimes !== undefined && n <= script.failTimes) {
          res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `failure ${n}` }));
        } else {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(script.reply ?? { ok: true, path, n, received: body }));
        }
      };
      if (script.delayMs) setTimeout(answer, script.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (path, script) => scripts.set(path, script),
    countFor: (path) => requests.filter((r) => r.path === path).length,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
