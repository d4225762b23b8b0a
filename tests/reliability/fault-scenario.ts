/**
 * The scenario the fault tests drive, and the checks they share: a webhook
 * starts a run that calls a stand-in twice (`/<path>/a`, `/<path>/b`) with
 * `http.request` and ends in a transform. The stand-in counts calls by
 * `Idempotency-Key`, so a step that ran twice shows as a key seen twice.
 */
import { expect } from 'vitest';
import type { RecordingServer } from '../support/recording-server';
import type { Fleet } from './fleet';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * @example await publishFaultScenario(fleet.base, 'faults-kill', 'kill', stand.url);
 */
export async function publishFaultScenario(base: string, id: string, hookPath: string, standUrl: string): Promise<void> {
  const doc = {
    format: 'switchyard/scenario@1',
    id,
    name: `Fault test ${id}`,
    nodes: [
      { id: 'hook', type: 'trigger.webhook', config: { path: hookPath } },
      { id: 'a', type: 'http.request', config: { method: 'POST', url: `${standUrl}/${hookPath}/a`, body: '{ "n": input.n }' }, retry: { attempts: 5, delayMs: 200 } },
      { id: 'b', type: 'http.request', config: { method: 'POST', url: `${standUrl}/${hookPath}/b`, body: '{ "n": steps.a.output.body.received.n }' }, retry: { attempts: 5, delayMs: 200 } },
      { id: 'done', type: 'transform', config: { expression: '{ "n": trigger.n }' } },
    ],
    edges: [
      { from: 'hook', to: 'a' },
      { from: 'a', to: 'b' },
      { from: 'b', to: 'done' },
    ],
  };
  const created = await fetch(`${base}/api/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
  if (created.status !== 201) throw new Error(`creating ${id}: ${created.status} ${await created.text()}`);
  const published = await fetch(`${base}/api/scenarios/${id}/publish`, { method: 'POST' });
  if (published.status !== 200) throw new Error(`publishing ${id}: ${published.status} ${await published.text()}`);
}

/**
 * Polls the run history until `count` runs of the scenario succeeded (or the time is up) and returns the counts by status.
 * @example const counts = await waitForRuns(fleet, 'faults-kill', 1000, 240_000);
 */
export async function waitForRuns(fleet: Fleet, scenarioId: string, count: number, timeoutMs: number): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  let counts: Record<string, number> = {};
  while (Date.now() < deadline) {
    counts = await fleet.statusCounts(scenarioId).catch(() => counts);
    if ((counts.succeeded ?? 0) >= count) break;
    await sleep(250);
  }
  return counts;
}

/**
 * Every acknowledged run is in the history, succeeded, with each step once;
 * the stand-in saw exactly one idempotency key per run and call. Returns how
 * many calls arrived again under a key already seen (interrupted steps).
 * @example const { duplicates } = await checkExactlyOnce(fleet, stand, 'faults-kill', 'kill', runIds, 1000);
 */
export async function checkExactlyOnce(fleet: Fleet, stand: RecordingServer, scenarioId: string, hookPath: string, runIds: string[], count: number): Promise<{ duplicates: number }> {
  expect(runIds.filter(Boolean)).toHaveLength(count);
  expect(new Set(runIds).size).toBe(count);
  const rows = (
    await fleet.db.query(
      `SELECT r.id, r.status, json_array_length(r.steps) AS steps FROM runs r WHERE r.scenario_id = $1`,
      [scenarioId],
    )
  ).rows as Array<{ id: string; status: string; steps: number }>;
  expect(new Set(rows.map((r) => r.id))).toEqual(new Set(runIds));
  expect(rows.filter((r) => r.status !== 'succeeded')).toEqual([]);
  // hook, a, b, done: one step each; a step run twice in one record would show as a fifth.
  expect(rows.filter((r) => r.steps !== 4)).toEqual([]);

  let duplicates = 0;
  const ours = new Set(runIds);
  for (const call of ['a', 'b']) {
    const seen = stand.requests.filter((r) => r.path === `/${hookPath}/${call}`);
    const keys = new Map<string, number>();
    for (const r of seen) keys.set(r.idempotencyKey ?? 'none', (keys.get(r.idempotencyKey ?? 'none') ?? 0) + 1);
    // One key per run and call: a repeat used the same key, never a new one.
    expect(keys.size).toBe(count);
    for (const key of keys.keys()) expect(ours.has(key.split(':')[0])).toBe(true);
    duplicates += seen.length - keys.size;
  }
  return { duplicates };
}
