/**
 * Watching the Segmentation Review (the `explainable-segmentation` example,
 * whose whole run record is about 25 MB) in the editor: the Runs tab follows
 * the run by its overview and never asks for the whole record; the nodes are
 * coloured and counted all the same; a step's input and output are fetched
 * when that step is opened; and a node clicked on the canvas while the run is
 * shown in the Runs tab shows its operations there, as Make shows a module's
 * bundles when its bubble is clicked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Request } from 'playwright-core';
import { startEditorHarness, waitForCanvas, type EditorHarness } from './support/editor-harness';

const SCENARIO = 'explainable-segmentation';
let h: EditorHarness;
beforeAll(async () => {
  h = await startEditorHarness({ examplesDir: 'examples' });
});
afterAll(async () => {
  await h?.close();
});

/** Run status classes and bubble numbers as drawn on the canvas. */
async function overlay(page: Page) {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('.react-flow__node-step')].map((n) => {
        const status = [...n.querySelector('.step')!.classList].find((c) => c.startsWith('run-'))?.slice(4) ?? null;
        return [n.getAttribute('data-id'), { status, bubble: n.querySelector('.step-bubble')?.textContent ?? null }];
      }),
    ),
  );
}

/**
 * Pans the canvas, as a person drags it, until the node is in view and clear of the side panel: the scenario is
 * wider than the canvas at its least zoom, and a click on a node under the panel does not reach it.
 */
async function dragIntoView(page: Page, nodeId: string) {
  const pane = (await page.locator('.react-flow').boundingBox())!;
  const node = (await page.locator(`.react-flow__node[data-id="${nodeId}"]`).boundingBox())!;
  const overRight = node.x + node.width + 40 - (pane.x + pane.width);
  const overLeft = pane.x + 40 - node.x;
  const shift = overRight > 0 ? overRight : overLeft > 0 ? -overLeft : 0;
  if (shift === 0) return;
  // Bare canvas below the scenario's nodes.
  const y = pane.y + pane.height - 40;
  const from = pane.x + pane.width / 2;
  await page.mouse.move(from, y);
  await page.mouse.down();
  await page.mouse.move(from - shift, y, { steps: 8 });
  await page.mouse.up();
  await expect.poll(async () => {
    const box = (await page.locator(`.react-flow__node[data-id="${nodeId}"]`).boundingBox())!;
    return box.x >= pane.x && box.x + box.width <= pane.x + pane.width;
  }).toBe(true);
}

/** The API requests the page made about one run, as paths with their query. */
const aboutRun = (requests: Request[], runId: string) =>
  requests.map((r) => new URL(r.url())).filter((u) => u.pathname.startsWith(`/api/runs/${runId}`)).map((u) => `${u.pathname}${u.search}`);

describe('following a large run in the editor', () => {
  let page: Page;
  let runId: string;
  const requests: Request[] = [];

  it('follows the run by its overview: the nodes light up without the whole record being fetched', async () => {
    page = await h.newPage();
    page.on('request', (r) => requests.push(r));
    await page.goto(`${h.baseUrl}/scenarios/${SCENARIO}`);
    await waitForCanvas(page);
    await page.click('[data-testid="tab-runs"]');
    await page.fill('#run-input', '{}');
    const started = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/api/scenarios/${SCENARIO}/runs`);
    await page.click('[data-testid="run-once"]');
    runId = ((await (await started).json()) as { runId: string }).runId;
    // The review waits for the marketing lead's approval.
    await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.textContent === 'waiting', null, { timeout: 60_000 });

    const drawn = await overlay(page);
    for (const nodeId of ['start', 'load', 'resolve', 'consent', 'rfm', 'rules', 'cluster', 'sideBySide', 'compare', 'report']) {
      expect(drawn[nodeId], nodeId).toEqual({ status: 'succeeded', bubble: '1' });
    }
    expect(drawn.review.status).toBe('waiting');
    expect(drawn.publish).toEqual({ status: null, bubble: null });

    const asked = aboutRun(requests, runId);
    expect(asked.length).toBeGreaterThan(0);
    // Every read of the run is its overview — the events' snapshot included — and no step was fetched: none was opened.
    for (const path of asked) expect(path, path).toMatch(new RegExp(`^/api/runs/${runId}(/events)?\\?steps=summary$`));
    await h.screenshot(page, 'editor-run-overview-waiting');
  });

  it("shows a node's operation when it is clicked on the canvas while the run is shown, fetching that step then", async () => {
    await expect.poll(() => page.locator('[data-testid="inspect-hint"]').isVisible()).toBe(true);
    const stepRequest = page.waitForRequest((r) => new URL(r.url()).pathname === `/api/runs/${runId}/steps/s1`);
    await page.click('.react-flow__node[data-id="load"]');
    await stepRequest;
    const panel = page.locator('[data-testid="run-panel"]');
    await expect.poll(() => panel.locator('[data-testid="operation-pager"]').textContent()).toBe('Operation 1 of 1');
    expect(await panel.locator('[data-testid="step-bundles"]').textContent()).toBe('1 in · 1 out');
    await expect.poll(() => panel.locator('[data-testid="step-output"]').textContent(), { timeout: 15_000 }).toContain('2025-12-31');
    const output = (await panel.locator('[data-testid="step-output"]').textContent())!;
    expect(output).toContain('customers');
    expect(output).toContain('quality');
    // The Runs tab is still there around it.
    expect(await panel.locator('[data-testid="run-history"]').isVisible()).toBe(true);
    await h.screenshot(page, 'editor-run-overview-step');

    // Another node: its step, fetched when it is opened; the waiting approval offers its decision.
    await dragIntoView(page, 'report');
    await page.click('.react-flow__node[data-id="report"]');
    await expect.poll(() => panel.locator('[data-testid="step-output"]').textContent(), { timeout: 15_000 }).toContain('markdown');
    await dragIntoView(page, 'review');
    await page.click('.react-flow__node[data-id="review"]');
    await expect.poll(() => panel.locator('[data-testid="approval"]').isVisible()).toBe(true);
    expect(aboutRun(requests, runId).filter((p) => p.includes('/steps/')).sort()).toEqual([`/api/runs/${runId}/steps/s1?index=1`, `/api/runs/${runId}/steps/s9?index=9`]);
  });

  it('opens a step in the Inspector tab as well, from what was fetched already', async () => {
    const before = aboutRun(requests, runId).length;
    await dragIntoView(page, 'load');
    await page.click('.react-flow__node[data-id="load"]');
    await page.click('[data-testid="tab-node"]');
    const inspector = page.locator('[data-testid="inspector"]');
    await expect.poll(() => inspector.locator('[data-testid="step-output"]').textContent()).toContain('2025-12-31');
    // Its input is the manual trigger's empty bundle.
    expect(await inspector.locator('[data-testid="step-input"]').textContent()).toContain('{}');
    expect(aboutRun(requests, runId).slice(before).filter((p) => !p.endsWith('?steps=summary'))).toEqual([]);
    // Nothing of this asked for the whole record either.
    expect(aboutRun(requests, runId).filter((p) => !/\?(steps=summary|index=\d+)$/.test(p))).toEqual([]);
    expect(h.pageErrors).toEqual([]);
  });
});

describe('an expression preview against the shown run', () => {
  it('fetches the steps the expression reads, and previews its value', async () => {
    const id = `preview-${Date.now().toString(36)}`;
    await h.api('POST', '/scenarios', {
      format: 'switchyard/scenario@1', id, name: 'Preview against the last run',
      nodes: [
        { id: 't', type: 'trigger.manual', position: { x: 0, y: 0 } },
        { id: 'double', type: 'transform', position: { x: 260, y: 0 }, config: { expression: '{ "n": input.n * 2 }' } },
        { id: 'sum', type: 'transform', position: { x: 520, y: 0 }, config: { expression: 'input.n + steps.double.output.n + trigger.n' } },
      ],
      edges: [{ from: 't', to: 'double' }, { from: 'double', to: 'sum' }],
    });
    const page = await h.newPage();
    const requests: Request[] = [];
    page.on('request', (r) => requests.push(r));
    await page.goto(`${h.baseUrl}/scenarios/${id}`);
    await waitForCanvas(page);
    await page.click('[data-testid="tab-runs"]');
    await page.fill('#run-input', '{ "n": 5 }');
    await page.click('[data-testid="run-once"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.textContent === 'succeeded', null, { timeout: 30_000 });
    await page.click('.react-flow__node[data-id="sum"]');
    await page.click('[data-testid="tab-node"]');
    // Its input is double's output { n: 10 }; steps.double.output.n is 10; the trigger's n is 5.
    await expect.poll(() => page.locator('[data-testid="config-panel"] .preview').textContent(), { timeout: 10_000 }).toBe('= 25');
    const steps = requests.map((r) => new URL(r.url()).pathname).filter((p) => p.includes('/steps/'));
    expect([...new Set(steps)].sort()).toEqual([expect.stringMatching(/\/steps\/s1$/), expect.stringMatching(/\/steps\/s2$/)]);
    expect(h.pageErrors).toEqual([]);
  });
});
