/**
 * Runs the User Segmentation example end to end on one machine: starts the
 * stand-ins (Segment's role is played by this script, ML, content, Braze,
 * SMTP, push), a Switchyard service (embedded, or BullMQ when REDIS_URL is
 * set), publishes examples/user-segmentation.json, fires a mix of signed
 * Segment events at its webhook and prints how they were routed — by event
 * type, by confidence branch and by channel — from the run records and from
 * what the stand-ins received.
 *
 *   npm run example:user-segmentation [-- --events 90]
 *   REDIS_URL=redis://127.0.0.1:6379 npm run example:user-segmentation
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import type { RunRecord } from '../engine/runtime/types';
import { startService } from '../engine/server/serve';
import { startExampleServices } from './services/extra';
import { fireSignedEvents, observedRoutes, routeCounts, segmentationEvents } from './services/extra/segment-traffic';

const { values } = parseArgs({ options: { events: { type: 'string', default: '60' } } });
const count = Number(values.events);
if (!Number.isInteger(count) || count < 1) {
  console.error(`--events must be a positive whole number, got "${values.events}"`);
  process.exit(2);
}

const stand = await startExampleServices();
// The engine reads its outbound allow-list and the scenario's URL overrides from the environment.
const allow = (process.env.SWITCHYARD_ALLOW_HOSTS ?? '').split(',').filter(Boolean);
process.env.SWITCHYARD_ALLOW_HOSTS = [...new Set([...allow, '127.0.0.1'])].join(',');
Object.assign(process.env, stand.env);

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-example-'));
const service = await startService({
  port: 0,
  host: '127.0.0.1',
  redisUrl: process.env.REDIS_URL,
  queuePrefix: process.env.REDIS_URL ? `{example-${randomUUID().slice(0, 8)}}` : undefined,
  dataDir,
  serveEditor: false,
  examplesDir: false,
  worker: true,
  concurrency: 8,
  apiToken: '',
  logger: pino({ level: process.env.LOG_LEVEL ?? 'error' }),
});

async function api(method: string, route: string, body?: unknown) {
  const res = await fetch(service.url + route, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${route} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

const line = (label: string, counts: Record<string, number>) =>
  console.log(`  ${label.padEnd(12)} ${Object.entries(counts).sort().map(([k, v]) => `${k} ${v}`).join(' · ') || '—'}`);

let exitCode = 0;
try {
  for (const [name, value] of Object.entries(stand.secrets)) await api('PUT', `/api/secrets/${name}`, { value });
  const scenario = stand.pointAt(JSON.parse(readFileSync(new URL('./user-segmentation.json', import.meta.url), 'utf8')));
  await api('POST', '/api/scenarios', scenario);
  await api('POST', `/api/scenarios/${scenario.id}/publish`, {});
  console.log(`Switchyard on ${service.url} (${service.engine.mode} queue); stand-ins on ${stand.services.urls.base}`);

  const events = segmentationEvents(count);
  console.log(`Sending ${count} signed Segment events to ${service.url}/hooks/user-segmentation …`);
  const runIds = await fireSignedEvents(`${service.url}/hooks/user-segmentation`, events, stand.secrets.SEGMENT_SECRET);

  const runs: RunRecord[] = [];
  for (const runId of runIds) {
    const run = await service.engine.waitForRun(runId, 120_000, { untilFinal: true });
    if (run) runs.push(run);
  }
  const byNode = (nodes: Record<string, string>) => {
    const counts: Record<string, number> = {};
    for (const run of runs) for (const step of run.steps) if (nodes[step.nodeId]) counts[nodes[step.nodeId]] = (counts[nodes[step.nodeId]] ?? 0) + 1;
    return counts;
  };
  const statuses = runs.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});

  console.log('\nRun records');
  line('status', statuses);
  line('event type', byNode({ n5: 'page', n6: 'purchase', n7: 'signup' }));
  line('confidence', byNode({ n11: '> 0.7 personalized', n12: '<= 0.7 default' }));
  line('channel', byNode({ n18: 'email', n19: 'push' }));

  const seen = routeCounts(observedRoutes(stand.services));
  console.log('\nWhat the stand-ins received');
  line('ML requests', seen.type);
  line('content', seen.content);
  line('delivered', seen.channel);
  line('Braze', { 'profiles updated': seen.brazeProfiles, 'campaigns triggered': seen.campaigns });

  for (const run of runs.filter((r) => r.status !== 'succeeded')) console.log(`\nrun ${run.id} ${run.status}: ${run.error?.nodeId ?? ''} ${run.error?.message ?? ''}`);
  if (runs.length !== count || statuses.succeeded !== count) exitCode = 1;
} catch (error) {
  console.error((error as Error).message);
  exitCode = 1;
} finally {
  await service.close();
  await stand.close();
  await rm(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);
