/**
 * The plain row's process: a bare `node:http` server that takes the signed
 * Segment webhook exactly as Switchyard's `/hooks/user-segmentation` does
 * (HMAC-SHA1 `X-Signature` check, 202 with an id) and then runs the
 * hand-written `plainSegmentation` function. Prints `listening <port>`.
 *
 *   node --import tsx tests/bench/plain-server.ts '<PlainTargets JSON with segmentSecret>'
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { plainSegmentation, type PlainTargets } from './plain-path';

const config = JSON.parse(process.argv[2]) as PlainTargets & { segmentSecret: string };
const handle = plainSegmentation(config);
let failures = 0;

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const expected = createHmac('sha1', config.segmentSecret).update(raw).digest();
    const given = Buffer.from(String(req.headers['x-signature'] ?? ''), 'hex');
    if (req.method !== 'POST' || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid signature"}');
      return;
    }
    const event = JSON.parse(raw.toString('utf8'));
    const runId = randomUUID();
    res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ runId }));
    handle(event).catch((error: Error) => {
      if (failures++ < 5) console.error(`plain run failed: ${error.message}`);
    });
  });
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.address() as AddressInfo).port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
