/**
 * Running from the editor against the local stand-ins: the taken path turns
 * green, each bubble counts its node's operations, the inspector shows a
 * chosen node's input and output, and a failing node shows its error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startServices, type RunningServices } from '../../examples/services';
import { startEditorHarness, waitForCanvas, type EditorHarness } from './support/editor-harness';

let h: EditorHarness;
let services: RunningServices;
beforeAll(async () => {
  services = await startServices();
  h = await startEditorHarness({ env: { SWITCHYARD_ALLOW_HOSTS: '127.0.0.1' } });
});
afterAll(async () => {
  await h?.close();
  await services?.close();
});

const id = `run-${Date.now().toString(36)}`;
const scenario = () => ({
  format: 'switchyard/scenario@1', id, name: 'Recommend and fan out',
  settings: { vars: { ML_URL: services.urls.ml } },
  nodes: [
    { id: 'n1', type: 'trigger.manual', label: 'Run by hand', position: { x: 0, y: 0 } },
    { id: 'n2', type: 'http.request', label: 'POST to recommendation API', position: { x: 260, y: 0 },
      config: { method: 'POST', url: '{{ vars.ML_URL }}/predict', body: '{ "userId": input.userId, "eventType": "purchase" }' } },
    { id: 'n3', type: 'transform', label: 'Parse ML predictions', position: { x: 520, y: 0 }, config: { expression: 'input.body' } },
    { id: 'n4', type: 'router', label: 'Confidence score?', position: { x: 780, y: 0 }, config: { subject: 'input.confidence' } },
    { id: 'n5', type: 'iterator', label: 'Each recommendation', position: { x: 1000, y: -100 }, config: { items: 'input.recommendations' } },
    { id: 'n6', type: 'transform', label: 'Personalize', position: { x: 1260, y: -100 }, config: { expression: '{ "pick": input.id }' } },
    { id: 'n7', type: 'transform', label: 'Use default content', position: { x: 1000, y: 120 }, config: { expression: '{ "pick": "default" }' } },
  ],
  edges: [
    { from: 'n1', to: 'n2' }, { from: 'n2', to: 'n3' }, { from: 'n3', to: 'n4' },
    { from: 'n4', to: 'n5', label: '> 0.7' }, { from: 'n4', to: 'n7', label: '<= 0.7', fromHandle: 'bottom', toHandle: 'left' },
    { from: 'n5', to: 'n6' },
  ],
});

type Run = { id: string; status: string; input: unknown; steps: Array<{ nodeId: string; status: string; input: unknown; output: unknown; error?: { message: string } }> };

/** Run status classes and bubble numbers as drawn on the canvas. */
async function overlay(page: Page) {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('.react-flow__node-step')].map((n) => {
        const step = n.querySelector('.step')!;
        const status = [...step.classList].find((c) => c.startsWith('run-'))?.slice(4) ?? null;
        return [n.getAttribute('data-id'), { status, bubble: n.querySelector('.step-bubble')?.textContent ?? null }];
      }),
    ),
  );
}

async function runOnce(page: Page, input: unknown): Promise<Run> {
  await page.click('[data-testid="tab-runs"]');
  await page.fill('#run-input', JSON.stringify(input));
  return clickRunOnce(page);
}

/** Clicks "Run once" with whatever the input box holds, and reads the run when the panel shows it ended. */
async function clickRunOnce(page: Page): Promise<Run> {
  // The run this click starts, by the id the server gives it, not the newest run listed.
  const started = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/api/scenarios/${id}/runs`);
  await page.click('[data-testid="run-once"]');
  const { runId } = (await (await started).json()) as { runId: string };
  await page.waitForFunction(() => ['succeeded', 'failed', 'incomplete'].includes(document.querySelector('[data-testid="run-status"]')?.textContent ?? ''), null, { timeout: 30_000 }).catch(async (e) => {
    await h.screenshot(page, 'debug-run');
    console.log('DEBUG', await page.locator('[data-testid="run-panel"]').textContent(), JSON.stringify(await h.api('GET', `/runs?scenarioId=${id}`)).slice(0, 600));
    throw e;
  });
  return h.api<Run>('GET', `/runs/${runId}`);
}

/**
 * Opens the scenario's Runs tab with the panel's prefill (the last run's input) held back;
 * `prefillArrives` lets it through and waits until the page has drawn what it did.
 */
async function openRunsWithPrefillHeld() {
  const page = await h.newPage();
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/api\/runs\?.*limit=1(&|$)/, async (route) => {
    await held;
    await route.continue();
  });
  const listed = page.waitForResponse((r) => /\/api\/runs\?.*limit=1(&|$)/.test(r.url()));
  // Then, unless the panel sees it should keep the box as it is, it fetches that run for its input.
  const fetched = page.waitForResponse((r) => /\/api\/runs\/[^/?]+$/.test(new URL(r.url()).pathname), { timeout: 3_000 }).catch(() => undefined);
  await page.goto(`${h.baseUrl}/scenarios/${id}`);
  await waitForCanvas(page);
  await page.click('[data-testid="tab-runs"]');
  const prefillArrives = async () => {
    release();
    await listed;
    await fetched;
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  };
  return { page, prefillArrives };
}

describe('running a scenario from the editor', () => {
  it('colours the taken path, counts operations in the bubbles, and inspects a node', async () => {
    await h.api('POST', '/scenarios', scenario());
    const page = await h.newPage();
    await page.goto(`${h.baseUrl}/scenarios/${id}`);
    await waitForCanvas(page);
    const run = await runOnce(page, { userId: 'user-8' });
    expect(run.status).toBe('succeeded');

    const operations = new Map<string, number>();
    for (const step of run.steps) operations.set(step.nodeId, (operations.get(step.nodeId) ?? 0) + 1);
    const recommendations = (run.steps.find((s) => s.nodeId === 'n3')!.output as { recommendations: unknown[] }).recommendations;
    // The taken path: confidence for user-8 is high, so the iterator fans out and the default branch stays dark.
    expect([...operations.keys()].sort()).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
    expect(operations.get('n6')).toBe(recommendations.length);
    await expect.poll(async () => (await overlay(page)).n6).toEqual({ status: 'succeeded', bubble: String(recommendations.length) });
    const drawn = await overlay(page);
    for (const [nodeId, count] of operations) expect(drawn[nodeId], nodeId).toEqual({ status: 'succeeded', bubble: String(count) });
    expect(drawn.n7).toEqual({ status: null, bubble: null });

    // The inspector: the ML call's input bundle and its response.
    await page.click('.react-flow__node[data-id="n2"]');
    await page.click('[data-testid="tab-node"]');
    await expect.poll(() => page.locator('[data-testid="operation-pager"]').textContent()).toBe('Operation 1 of 1');
    expect(await page.locator('[data-testid="step-input"]').textContent()).toContain('user-8');
    const output = await page.locator('[data-testid="step-output"]').textContent();
    expect(output).toContain('confidence');
    expect(output).toContain('stand-in-recommender-v1');
    // Page through the iterator's fan-out.
    await page.click('.react-flow__node[data-id="n6"]');
    await expect.poll(() => page.locator('[data-testid="operation-pager"]').textContent()).toBe(`Operation 1 of ${recommendations.length}`);
    await page.click('button[aria-label="Next operation"]');
    await expect.poll(() => page.locator('[data-testid="operation-pager"]').textContent()).toBe(`Operation 2 of ${recommendations.length}`);
    await page.click('.react-flow__node[data-id="n2"]');
    await h.screenshot(page, 'editor-run-succeeded');
  });

  it("runs with the input typed in, even when the last run's input arrives after it", async () => {
    const { page, prefillArrives } = await openRunsWithPrefillHeld();
    await page.fill('#run-input', JSON.stringify({ userId: 'user-typed' }));
    await prefillArrives();
    expect(JSON.parse(await page.inputValue('#run-input'))).toEqual({ userId: 'user-typed' });
    const run = await runOnce(page, { userId: 'user-typed' });
    expect(run.steps.find((s) => s.nodeId === 'n2')!.input).toEqual({ userId: 'user-typed' });
  });

  it("keeps what is typed when the last run's input arrives while the box has the caret", async () => {
    const { page, prefillArrives } = await openRunsWithPrefillHeld();
    // Someone selects the box's text to type over it; the last run's input lands before the first keystroke.
    // Replacing the text then would move the caret to the end, and the typing would be appended to the old input.
    await page.focus('#run-input');
    await page.evaluate(() => (document.querySelector('#run-input') as HTMLTextAreaElement).select());
    await prefillArrives();
    await page.keyboard.insertText(JSON.stringify({ anonymous: true }));
    expect(await page.inputValue('#run-input')).toBe(JSON.stringify({ anonymous: true }));
    const run = await clickRunOnce(page);
    expect(run.input).toEqual({ anonymous: true });
    expect(run.status).toBe('failed');
  });

  it('does not run while the input bundle is not valid JSON, and says why', async () => {
    const page = await h.newPage();
    await page.goto(`${h.baseUrl}/scenarios/${id}`);
    await waitForCanvas(page);
    await page.click('[data-testid="tab-runs"]');
    await page.fill('#run-input', JSON.stringify({ userId: 'user-8' }));
    // Half-way through typing another input: the box keeps the last good value underneath.
    await page.fill('#run-input', '{ "userId": "user-');
    const posts: string[] = [];
    page.on('request', (r) => { if (r.method() === 'POST') posts.push(r.url()); });
    await page.click('[data-testid="run-once"]');
    await expect.poll(() => page.locator('[data-testid="notice"]').textContent()).toContain('The input bundle is not valid JSON');
    expect(posts).toEqual([]);
  });

  it('asks for a slow run record one request at a time while it follows the run', async () => {
    const page = await h.newPage();
    // A run whose record is slow to read (a large one takes seconds) and whose live events do not come.
    let inFlight = 0;
    let most = 0;
    let counting = false;
    await page.route(/\/api\/runs\/[^/?]+(\/events)?(\?[^/]*)?$/, async (route) => {
      if (new URL(route.request().url()).pathname.endsWith('/events')) return route.abort();
      if (!counting) return route.continue();
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      await route.continue().finally(() => inFlight--);
    });
    await page.goto(`${h.baseUrl}/scenarios/${id}`);
    await waitForCanvas(page);
    await page.click('[data-testid="tab-runs"]');
    await page.fill('#run-input', JSON.stringify({ userId: 'user-8' }));
    counting = true;
    await page.click('[data-testid="run-once"]');
    await page.waitForTimeout(6_000);
    expect(most).toBe(1);
    await page.close();
  });

  it('shows the failing node in red with its error', async () => {
    const page = await h.newPage();
    await page.goto(`${h.baseUrl}/scenarios/${id}`);
    await waitForCanvas(page);
    // Without a userId the stand-in answers 400 and the HTTP node fails.
    const run = await runOnce(page, { anonymous: true });
    expect(run.status).toBe('failed');
    const failed = run.steps.find((s) => s.status === 'failed')!;
    expect(failed.nodeId).toBe('n2');
    await expect.poll(async () => (await overlay(page)).n2?.status).toBe('failed');
    expect((await overlay(page)).n3).toEqual({ status: null, bubble: null });
    await page.click('.react-flow__node[data-id="n2"]');
    await page.click('[data-testid="tab-node"]');
    await expect.poll(() => page.locator('[data-testid="step-error"]').textContent()).toBe(failed.error!.message);
    await h.screenshot(page, 'editor-run-failed');
    expect(h.pageErrors).toEqual([]);
  });
});
