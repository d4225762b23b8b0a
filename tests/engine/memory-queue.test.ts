/**
 * The in-process queue (embedded mode) keeps the process responsive: a run
 * that goes on again and again at once — as a run did whose finished state
 * met a late command (docs/performance.md, seventeenth session) — busies the
 * queue but never starves the event loop's timers and sockets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryQueueDriver } from '../../engine/runtime/drivers/memory-queue';
import type { RunStart } from '../../engine/runtime/dataflow';

/** How many times the run goes on before it stops by itself (so that a regression fails instead of hanging). */
const AGAIN = 20_000;

const start = (runId: string): RunStart => ({ runId, scenarioId: 's', version: 1, startedAt: new Date().toISOString(), input: {} });

/** How many segments had run when a timer set now fired. */
const segmentsWhenATimerFires = (segments: () => number) => new Promise<number>((resolve) => setTimeout(() => resolve(segments()), 0));

describe('the in-process queue', () => {
  let driver: MemoryQueueDriver | undefined;
  afterEach(async () => {
    await driver?.close();
  });

  it('lets a timer fire while a run goes on at once after every segment', async () => {
    driver = new MemoryQueueDriver();
    let segments = 0;
    await driver.consume(async () => (++segments < AGAIN ? { continueAt: Date.now() } : {}), { concurrency: 1 });
    await driver.enqueue({ runId: 'r1', start: start('r1') });

    const fired = await segmentsWhenATimerFires(() => segments);
    expect(fired).toBeGreaterThan(0);
    expect(fired).toBeLessThan(AGAIN);
  });

  it('lets a timer fire while the check after each segment queues the run again', async () => {
    const queue = (driver = new MemoryQueueDriver());
    let segments = 0;
    await driver.consume(
      async () => {
        segments++;
        return {};
      },
      { concurrency: 1, afterComplete: async (runId) => void (segments < AGAIN && (await queue.enqueue({ runId }))) },
    );
    await driver.enqueue({ runId: 'r2', start: start('r2') });

    const fired = await segmentsWhenATimerFires(() => segments);
    expect(fired).toBeGreaterThan(0);
    expect(fired).toBeLessThan(AGAIN);
  });
});
