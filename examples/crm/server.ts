/**
 * A CRM stand-in for the segmentation examples: accepts POSTed segment
 * assignments on any path, answers 202, and shows everything it received at
 * `GET /__records`. Listens on 127.0.0.1 only.
 *
 *   node --import tsx examples/crm/server.ts [--port N]   # prints CRM_URL=http://127.0.0.1:N
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CrmRecord {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  receivedAt: string;
}

export interface CrmStandIn {
  url: string;
  records: CrmRecord[];
  /** While true, every POST is answered 503 and not recorded: the CRM is down. */
  unavailable: boolean;
  close(): Promise<void>;
}

const MAX_BODY = 50 * 1024 * 1024;

/**
 * @example const crm = await startCrmStandIn(); … crm.records; await crm.close();
 */
export function startCrmStandIn(port = 0): Promise<CrmStandIn> {
  const records: CrmRecord[] = [];
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/__records') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(records));
      return;
    }
    if (standIn.unavailable) {
      req.resume();
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' }).end(JSON.stringify({ error: 'CRM unavailable' }));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      if ((req.headers['content-type'] ?? '').includes('json')) {
        try {
          body = JSON.parse(text);
        } catch {
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'body is not JSON' }));
          return;
        }
      }
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
      records.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers, body, receivedAt: new Date().toISOString() });
      res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: true, id: records.length }));
    });
  });
  const standIn: CrmStandIn = { url: '', records, unavailable: false, close: () => new Promise((done) => server.close(() => done())) };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address() as AddressInfo;
      standIn.url = `http://127.0.0.1:${actual}`;
      resolve(standIn);
    });
  });
}

if (process.argv[1]?.endsWith('server.ts')) {
  const at = process.argv.indexOf('--port');
  const crm = await startCrmStandIn(at > 0 ? Number(process.argv[at + 1]) : 0);
  console.log(`CRM_URL=${crm.url}`);
}
