/**
 * Human review from the editor: a run parks on an approval node; approving
 * or rejecting it in the inspector sends the run down the scenario's
 * `approved` or `rejected` path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startEditorHarness, waitForCanvas, type EditorHarness } from './support/editor-harness';

let h: EditorHarness;
beforeAll(async () => {
  h = await startEditorHarness();
});
afterAll(() => h?.close());

type Run = { id: string; status: string; steps: Array<{ nodeId: string; status: string; port?: string; output?: unknown }> };

/** A campaign that waits for growth-lead: sent when approved, the refusal recorded when rejected. */
const reviewScenario = (id: string) => ({
  format: 'switchyard/scenario@1', id, name: 'Win-back campaign review',
  nodes: [
    { id: 'n1', type: 'trigger.manual', label: 'Run by hand', position: { x: 0, y: 0 } },
    { id: 'n2', type: 'approval', label: 'Review the campaign', position: { x: 260, y: 0 }, config: { reviewers: ['growth-lead'], message: 'Send the win-back campaign?' } },
    { id: 'n3', type: 'transform', label: 'Send campaign', position: { x: 560, y: -80 }, config: { expression: '{ "sent": true, "segment": input.input.segment }' } },
    { id: 'n4', type: 'transform', label: 'Record the refusal', position: { x: 560, y: 80 }, config: { expression: '{ "sent": false, "why": input.comment, "by": input.by }' } },
  ],
  edges: [{ from: 'n1', to: 'n2' }, { from: 'n2', to: 'n3', fromHandle: 'approved' }, { from: 'n2', to: 'n4', fromHandle: 'rejected' }],
});

/** Run status class of each node as drawn on the canvas. */
async function runColours(page: Page) {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('.react-flow__node-step')].map((n) => [
        n.getAttribute('data-id'),
        [...n.querySelector('.step')!.classList].find((c) => c.startsWith('run-'))?.slice(4) ?? null,
      ]),
    ),
  );
}

/** The edge labels drawn on the canvas, sorted. */
const edgeLabels = async (page: Page) => (await page.locator('.edge-label').allTextContents()).sort();

/** Opens the scenario, runs it once and waits until the approval asks for a review in the inspector. */
async function runUntilReview(id: string): Promise<{ page: Page; runId: string }> {
  await h.api('POST', '/scenarios', reviewScenario(id));
  const page = await h.newPage();
  await page.goto(`${h.baseUrl}/scenarios/${id}`);
  await waitForCanvas(page);
  await page.click('[data-testid="tab-runs"]');
  await page.fill('#run-input', '{ "segment": "lapsed-90d" }');
  await page.click('[data-testid="run-once"]');
  await expect.poll(() => page.locator('[data-testid="run-status"]').textContent(), { timeout: 20_000 }).toBe('waiting');
  await expect.poll(async () => (await runColours(page)).n2).toBe('waiting');
  const runs = await h.api<{ items: Array<{ id: string; status: string }> }>('GET', `/runs?scenarioId=${id}&limit=1`);
  expect(runs.items[0].status).toBe('waiting');
  await page.click('.react-flow__node[data-id="n2"]');
  await page.click('[data-testid="tab-node"]');
  await expect.poll(() => page.locator('[data-testid="approval"]').textContent()).toContain('by growth-lead: Send the win-back campaign?');
  return { page, runId: runs.items[0].id };
}

/** The run once it has left the approval: the decision's step and the steps after it. */
async function decidedRun(runId: string): Promise<{ run: Run; decision: Run['steps'][number] }> {
  const run = await h.api<Run>('GET', `/runs/${runId}`);
  return { run, decision: run.steps.find((s) => s.nodeId === 'n2' && s.status === 'succeeded')! };
}

describe('reviewing an approval from the editor', () => {
  it('approves, and the run goes on along "approved"', async () => {
    const { page, runId } = await runUntilReview(`approve-${Date.now().toString(36)}`);
    // The selected approval's outputs are named by their edges; the handles do not repeat the names on top of them.
    expect(await edgeLabels(page)).toEqual(['approved', 'rejected']);
    expect(await page.locator('.react-flow__node[data-id="n2"] .port-label').count()).toBe(0);
    // Each box has a visible label that stays once it is filled in; clicking the label types into its box.
    const approval = page.locator('[data-testid="approval"]');
    await approval.getByText('Reviewer', { exact: true }).click();
    await page.keyboard.type('growth-lead');
    await approval.getByText('Comment (optional)', { exact: true }).click();
    await page.keyboard.type('Good timing');
    expect([await approval.getByLabel('Reviewer', { exact: true }).inputValue(), await approval.getByLabel('Comment (optional)', { exact: true }).inputValue()]).toEqual(['growth-lead', 'Good timing']);
    await h.screenshot(page, 'editor-approval-waiting');
    await page.click('[data-testid="approval"] button:has-text("Approve")');
    await expect.poll(async () => (await runColours(page)).n3, { timeout: 20_000 }).toBe('succeeded');
    expect(await runColours(page)).toEqual({ n1: 'succeeded', n2: 'succeeded', n3: 'succeeded', n4: null });

    const { run, decision } = await decidedRun(runId);
    expect(run.status).toBe('succeeded');
    expect(decision).toMatchObject({ port: 'approved', output: { decision: 'approved', by: 'growth-lead', comment: 'Good timing' } });
    expect(run.steps.map((s) => s.nodeId)).not.toContain('n4');
    expect(run.steps.find((s) => s.nodeId === 'n3')?.output).toEqual({ sent: true, segment: 'lapsed-90d' });
  });

  it('refuses a decision without a reviewer, then rejects, and the run goes on along "rejected"', async () => {
    const { page, runId } = await runUntilReview(`reject-${Date.now().toString(36)}`);
    await page.click('[data-testid="approval"] button:has-text("Reject")');
    await expect.poll(() => page.locator('[data-testid="notice"]').textContent()).toContain('Name the reviewer first');
    expect((await h.api<Run>('GET', `/runs/${runId}`)).status).toBe('waiting');

    const approval = page.locator('[data-testid="approval"]');
    await approval.getByLabel('Reviewer', { exact: true }).fill('growth-lead');
    await approval.getByLabel('Comment (optional)', { exact: true }).fill('Not during the sale');
    await page.click('[data-testid="approval"] button:has-text("Reject")');
    await expect.poll(async () => (await runColours(page)).n4, { timeout: 20_000 }).toBe('succeeded');
    expect(await runColours(page)).toEqual({ n1: 'succeeded', n2: 'succeeded', n3: null, n4: 'succeeded' });
    await expect.poll(() => page.locator('[data-testid="approval"]').count()).toBe(0);
    expect(await page.locator('[data-testid="inspector"] .facts').textContent()).toContain('succeeded on rejected');

    const { run, decision } = await decidedRun(runId);
    expect(run.status).toBe('succeeded');
    expect(decision).toMatchObject({ port: 'rejected', output: { decision: 'rejected', by: 'growth-lead', comment: 'Not during the sale' } });
    expect(run.steps.map((s) => s.nodeId)).not.toContain('n3');
    expect(run.steps.find((s) => s.nodeId === 'n4')?.output).toEqual({ sent: false, why: 'Not during the sale', by: 'growth-lead' });
    await h.screenshot(page, 'editor-approval-rejected');

    // Without its edge, the "rejected" output has nothing else naming it: its handle does, on the selected node.
    // Click the edge's line a third of the way along (its label covers the middle).
    const onEdge = await page.locator('.react-flow__edge[data-id="e2:n2->n4"] .react-flow__edge-path').evaluate((line: SVGPathElement) => {
      const p = line.getPointAtLength(line.getTotalLength() / 3).matrixTransform(line.getScreenCTM()!);
      return { x: p.x, y: p.y };
    });
    await page.mouse.click(onEdge.x, onEdge.y);
    await page.keyboard.press('Delete');
    expect(await edgeLabels(page)).toEqual(['approved']);
    await page.click('.react-flow__node[data-id="n2"]');
    const portLabel = page.locator('.react-flow__node[data-id="n2"] .port-label');
    expect(await portLabel.allTextContents()).toEqual(['rejected']);
    await expect.poll(() => portLabel.evaluate((l) => getComputedStyle(l).opacity)).toBe('1');
    await h.screenshot(page, 'editor-approval-port-label');
    expect(h.pageErrors).toEqual([]);
  });
});
