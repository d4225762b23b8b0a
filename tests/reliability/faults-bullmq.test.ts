/**
 * Faults in production mode, with real `switchyard serve` and `worker`
 * processes on Redis (AOF, everysec) and PostgreSQL:
 *
 * - workers and `serve` killed with SIGKILL at random moments while webhook
 *   runs flow → every run completes; a completed step never runs again; an
 *   interrupted step runs again with the same idempotency key (counted at a
 *   stand-in by `Idempotency-Key`);
 * - Redis restarted gracefully under load → no run whose webhook answered 202
 *   is lost;
 * - PostgreSQL stopped for a few seconds → runs go on, history catches up.
 *
 * `FAULT_RUNS` sets the number of runs of the kill test (default 1,000).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Child } from '../support/child';
import { startRecordingServer, type RecordingServer } from '../support/recording-server';
import { startFleet, type Fleet } from './fleet';
import { sendWebhooks } from './sender';
import { publishFaultScenario, waitForRuns, checkExactlyOnce } from './fault-scenario';

const RUNS = Number(process.env.FAULT_RUNS ?? 1000);
/** Runs per Redis and PostgreSQL outage, spread over the outage window. */
const OUTAGE_RUNS = 300;
/** Waits and timeouts grow with the count, for soak runs. */
const PATIENCE_MS = Math.max(240_000, RUNS * 200);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('production mode under faults', () => {
  let fleet: Fleet;
  let stand: RecordingServer;
  let server: Child;
  const workers: Child[] = [];

  beforeAll(async () => {
    stand = await startRecordingServer();
    fleet = await startFleet('{faults}');
    server = await fleet.serve();
    workers.push(await fleet.worker(), await fleet.worker());
  });
  afterAll(async () => {
    await fleet?.close();
    await stand?.close();
  });

  it(`SIGKILL of workers and serve at random moments during ${RUNS} webhook runs: all complete, completed steps never repeat`, async () => {
    await publishFaultScenario(fleet.base, 'faults-kill', 'kill', stand.url);
    stand.script('/kill/a', { delayMs: 20 });
    stand.script('/kill/b', { delayMs: 20 });

    let stop = false;
    const kills = { worker: 0, serve: 0 };
    const chaos = (async () => {
      // Random kills while events arrive and runs are in flight; each victim is replaced at once.
      while (!stop) {
        await sleep(700 + Math.random() * 1800);
        if (stop) break;
        // Alternate so both kinds happen in every run of the test; the moment is random.
        if ((kills.worker + kills.serve) % 3 === 2) {
          await server.kill('SIGKILL');
          kills.serve++;
          server = await fleet.serve();
        } else {
          const i = Math.floor(Math.random() * workers.length);
          await workers[i].kill('SIGKILL');
          kills.worker++;
          workers[i] = await fleet.worker();
        }
      }
    })();
    // About 50 events a second, so the kills land while events arrive as well as while runs are in flight.
    const sent = await sendWebhooks({ url: fleet.base, path: '/hooks/kill', count: RUNS, concurrency: 4, paceMs: 80 });
    // Keep killing while the queue drains, then let the last victims' runs be taken over.
    await waitForRuns(fleet, 'faults-kill', Math.floor(RUNS * 0.9), PATIENCE_MS);
    while (kills.serve < 2 || kills.worker < 4) await sleep(200);
    stop = true;
    await chaos;
    const counts = await waitForRuns(fleet, 'faults-kill', RUNS, PATIENCE_MS);

    const { duplicates } = await checkExactlyOnce(fleet, stand, 'faults-kill', 'kill', sent.runIds, RUNS);
    console.log(`[faults] ${RUNS} webhook runs, ${kills.worker} worker and ${kills.serve} serve SIGKILLs, ${sent.attempts - RUNS} re-sent deliveries (${JSON.stringify(sent.refusals)}), ` +
      `${counts.succeeded} succeeded, ${RUNS - (counts.succeeded ?? 0)} lost, ${duplicates} interrupted calls repeated`);
    expect(kills.worker + kills.serve).toBeGreaterThan(0);
    // A killed worker interrupts at most the steps it had in flight (its concurrency, 8).
    expect(duplicates).toBeLessThanOrEqual(kills.worker * 8);
  }, PATIENCE_MS * 3);

  it('Redis restarted (graceful, AOF everysec) under load: every run answered 202 completes', async () => {
    const count = OUTAGE_RUNS;
    await publishFaultScenario(fleet.base, 'faults-redis', 'redis', stand.url);
    let restarted = false;
    let downAt = Infinity;
    const restart = (async () => {
      await sleep(1000);
      downAt = Date.now();
      await fleet.redis.stop();
      await sleep(1000);
      await fleet.redis.restart();
      restarted = true;
    })();
    const sent = await sendWebhooks({ url: fleet.base, path: '/hooks/redis', count, concurrency: 4, paceMs: 60 });
    // The restart happened while events were still arriving.
    expect(downAt).toBeLessThan(Date.now());
    await restart;
    const counts = await waitForRuns(fleet, 'faults-redis', count, 240_000);
    const { duplicates } = await checkExactlyOnce(fleet, stand, 'faults-redis', 'redis', sent.runIds, count);
    console.log(`[faults] Redis restart: ${count} runs answered 202, ${counts.succeeded} succeeded, ${count - (counts.succeeded ?? 0)} lost, ${duplicates} calls repeated; refusals while down ${JSON.stringify(sent.refusals)}`);
    // At most the steps in flight on the two workers when Redis went away.
    expect(duplicates).toBeLessThanOrEqual(16);
    expect(restarted).toBe(true);
  }, 600_000);

  it('PostgreSQL unavailable for a few seconds: runs wait and retry, history catches up, nothing dropped', async () => {
    const count = OUTAGE_RUNS;
    await publishFaultScenario(fleet.base, 'faults-pg', 'pg', stand.url);
    let downAt = Infinity;
    const outage = (async () => {
      await sleep(800);
      downAt = Date.now();
      await fleet.postgres.stop();
      await sleep(4000);
      await fleet.postgres.restart();
    })();
    const sent = await sendWebhooks({ url: fleet.base, path: '/hooks/pg', count, concurrency: 4, paceMs: 60 });
    expect(downAt).toBeLessThan(Date.now());
    await outage;
    const counts = await waitForRuns(fleet, 'faults-pg', count, 240_000);
    const { duplicates } = await checkExactlyOnce(fleet, stand, 'faults-pg', 'pg', sent.runIds, count);
    console.log(`[faults] PostgreSQL outage: ${count} runs answered 202, ${counts.succeeded} succeeded, ${count - (counts.succeeded ?? 0)} lost, ${duplicates} calls repeated; refusals ${JSON.stringify(sent.refusals)}`);
  }, 600_000);
});
