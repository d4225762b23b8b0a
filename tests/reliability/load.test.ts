/**
 * Load on the embedded service (`startService` in this process, so its
 * memory is this process's): a burst of 10,000 webhook events from a sender
 * with 32 connections → every 202 has a run that completes, and the
 * process's memory stays bounded; past `SWITCHYARD_MAX_QUEUE_DEPTH` the
 * webhook answers 429 with `Retry-After` and the service keeps working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingServer, type RecordingServer } from '../support/recording-server';
import { sendWebhooks } from './sender';
import { startInProcessService, type InProcessService } from './service';

const EVENTS = Number(process.env.LOAD_EVENTS ?? 10_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function publishHook(svc: InProcessService, id: string, hookPath: string, nodes: unknown[] = []): Promise<void> {
  const doc = {
    format: 'switchyard/scenario@1',
    id,
    name: id,
    nodes: [{ id: 'hook', type: 'trigger.webhook', config: { path: hookPath } }, ...nodes],
    edges: nodes.map((n, i) => ({ from: i === 0 ? 'hook' : (nodes[i - 1] as { id: string }).id, to: (n as { id: string }).id })),
  };
  expect((await svc.call('/api/scenarios', { body: doc })).status).toBe(201);
  expect((await svc.call(`/api/scenarios/${id}/publish`, { method: 'POST' })).status).toBe(200);
}

describe(`a burst of ${EVENTS} webhook events`, () => {
  let svc: InProcessService;
  beforeAll(async () => {
    process.env.SWITCHYARD_HOOK_RATE_LIMIT = '1000000';
    svc = await startInProcessService();
  });
  afterAll(async () => {
    await svc?.close();
  });

  it('drops none: every 202 has a run that completes; memory stays bounded', async () => {
    await publishHook(svc, 'burst', 'burst', [
      { id: 'shape', type: 'transform', config: { expression: '{ "n": input.n, "tags": [1..20].("t" & $string($)) }' } },
      { id: 'count', type: 'transform', config: { expression: '{ "n": input.n, "tags": $count(input.tags) }' } },
    ]);
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
    try {
      const sent = await sendWebhooks({ url: svc.url, path: '/hooks/burst', count: EVENTS, concurrency: 32, body: (n) => ({ n, email: `user${n}@example.com` }) });
      expect(sent.refusals).toEqual({});
      expect(new Set(sent.runIds).size).toBe(EVENTS);
      let runs = await svc.runsOf('burst');
      for (let i = 0; i < Math.max(600, EVENTS / 10) && runs.filter((r) => r.status === 'succeeded').length < EVENTS; i++) {
        await sleep(500);
        runs = await svc.runsOf('burst');
      }
      expect(new Set(runs.map((r) => r.id))).toEqual(new Set(sent.runIds));
      expect(runs.filter((r) => r.status !== 'succeeded')).toEqual([]);
    } finally {
      clearInterval(sampler);
    }
    const grownMb = (peak - baseline) / 2 ** 20;
    console.log(`[load] ${EVENTS} events → ${EVENTS} runs succeeded, 0 dropped; rss ${(baseline / 2 ** 20).toFixed(0)} MB at start, peak ${(peak / 2 ** 20).toFixed(0)} MB (+${grownMb.toFixed(0)} MB)`);
    // Bounded: the queue holds bundles, not copies of the world. 10,000 small runs fit well inside this.
    expect(grownMb).toBeLessThan(512);
  }, Math.max(600_000, EVENTS * 60));
});

describe('past SWITCHYARD_MAX_QUEUE_DEPTH', () => {
  let svc: InProcessService;
  let stand: RecordingServer;
  beforeAll(async () => {
    stand = await startRecordingServer();
    stand.script('/slow', { delayMs: 300 });
    process.env.SWITCHYARD_HOOK_RATE_LIMIT = '1000000';
    process.env.SWITCHYARD_MAX_QUEUE_DEPTH = '20';
    process.env.SWITCHYARD_ALLOW_HOSTS = '127.0.0.1';
    try {
      svc = await startInProcessService({ concurrency: 2 });
    } finally {
      delete process.env.SWITCHYARD_MAX_QUEUE_DEPTH;
    }
  });
  afterAll(async () => {
    await svc?.close();
    await stand?.close();
  });

  it('answers 429 with Retry-After instead of falling over, and every accepted run completes', async () => {
    await publishHook(svc, 'deep', 'deep', [{ id: 'call', type: 'http.request', config: { method: 'POST', url: `${stand.url}/slow`, body: 'input' } }]);
    const answers = await Promise.all(
      Array.from({ length: 200 }, async (_, n) => {
        const res = await fetch(`${svc.url}/hooks/deep`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n }) });
        return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
      }),
    );
    const accepted = answers.filter((a) => a.status === 202);
    const refused = answers.filter((a) => a.status === 429);
    expect(accepted.length + refused.length).toBe(200);
    expect(refused.length).toBeGreaterThan(0);
    expect(accepted.length).toBeGreaterThanOrEqual(20);
    for (const r of refused) {
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
      expect(r.body.error.code).toBe('queue_full');
    }
    // The service still answers its API while the queue is full.
    expect((await svc.call('/api/health')).status).toBe(200);

    const ids = new Set(accepted.map((a) => a.body.runId as string));
    let runs = await svc.runsOf('deep');
    for (let i = 0; i < 240 && runs.filter((r) => r.status === 'succeeded').length < ids.size; i++) {
      await sleep(500);
      runs = await svc.runsOf('deep');
    }
    expect(new Set(runs.map((r) => r.id))).toEqual(ids);
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true);
    console.log(`[load] queue depth limit 20: ${accepted.length} accepted and completed, ${refused.length} refused with 429 Retry-After ${refused[0]?.retryAfter}s`);

    // Once drained, the webhook takes events again.
    const after = await fetch(`${svc.url}/hooks/deep`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":-1}' });
    expect(after.status).toBe(202);
  }, 300_000);
});
