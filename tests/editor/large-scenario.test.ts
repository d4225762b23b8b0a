/**
 * A large scenario on the canvas: it opens drawing only the nodes in view,
 * every edge drawn ends at its nodes' handles (also on a node taller than
 * estimated, and after nodes scroll into view and are drawn for the first
 * time), and zoomed out past legibility the
 * edges are one picture that gives way to the real edges, labels included,
 * on zooming back in.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedScenario } from '../bench/editor';
import { startEditorHarness, waitForCanvas, type EditorHarness } from './support/editor-harness';

let h: EditorHarness;
beforeAll(async () => {
  h = await startEditorHarness();
});
afterAll(() => h?.close());

/**
 * Edges drawn on the canvas whose ends are off their handles, as "edge: source end 12px off";
 * empty when all are attached. Edges to a node not drawn (out of view) are checked at the drawn end.
 */
async function detachedEdges(page: Page): Promise<{ checked: number; detached: string[] }> {
  return page.evaluate(() => {
    const detached: string[] = [];
    let checked = 0;
    for (const edge of document.querySelectorAll<SVGGElement>('.react-flow__edge')) {
      const [, source, target] = /:(.+)->(.+)$/.exec(edge.getAttribute('data-id') ?? '') ?? [];
      const path = edge.querySelector<SVGPathElement>('path.react-flow__edge-path')!;
      const ctm = path.getScreenCTM()!;
      const ends = { source: path.getPointAtLength(0).matrixTransform(ctm), target: path.getPointAtLength(path.getTotalLength()).matrixTransform(ctm) };
      for (const [end, node, type, side] of [['source', source, 'source', 'right'], ['target', target, 'target', 'left']] as const) {
        const handle = document.querySelector(`.react-flow__node[data-id="${node}"] .react-flow__handle.${type}[data-handleid="${side}"]`);
        if (!handle) continue;
        checked++;
        const r = handle.getBoundingClientRect();
        const expected = { x: side === 'right' ? r.right : r.left, y: r.top + r.height / 2 };
        const off = Math.hypot(ends[end].x - expected.x, ends[end].y - expected.y);
        if (off > 1.5) detached.push(`${edge.getAttribute('data-id')}: ${end} end ${off.toFixed(1)}px off`);
      }
    }
    return { checked, detached };
  });
}

describe('a large scenario', () => {
  it('draws what is in view, keeps edges on their handles, and zoomed out draws the edges as one picture', async () => {
    const doc = generatedScenario(400);
    // Taller than a node is before it is drawn: its side handles sit lower than first thought.
    doc.nodes[2].label = 'A step whose label is long enough to wrap onto three lines of its node';
    await h.api('POST', '/scenarios', doc);
    const page = await h.newPage();
    await page.goto(`${h.baseUrl}/scenarios/${doc.id}`);
    await waitForCanvas(page);
    // Selecting it gives React Flow the node anew; its edges must stay on the handles as drawn.
    await page.click('.react-flow__node[data-id="n2"]');
    await expect.poll(() => page.locator('.react-flow__node[data-id="n2"].selected').count()).toBe(1);

    const drawn = await page.locator('.react-flow__node-step').count();
    expect(drawn).toBeGreaterThan(10);
    expect(drawn).toBeLessThan(doc.nodes.length / 4);
    const opened = await detachedEdges(page);
    expect(opened.checked).toBeGreaterThan(20);
    expect(opened.detached).toEqual([]);
    await h.screenshot(page, 'editor-large-scenario');

    // Drag the bare canvas left of the groups up: the rows below are drawn for the first time.
    const before = new Set(await page.locator('.react-flow__node-step').evaluateAll((ns) => ns.map((n) => n.getAttribute('data-id'))));
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    await page.mouse.move(pane.x + 10, pane.y + pane.height - 20);
    await page.mouse.down();
    await page.mouse.move(pane.x + 5, pane.y + 20, { steps: 12 });
    // While the view moves, the dotted grid is not drawn (it was the slowest thing to repaint); it is back after.
    expect(await page.locator('.react-flow__background').isVisible()).toBe(false);
    await page.mouse.up();
    await expect.poll(() => page.locator('.react-flow__background').isVisible()).toBe(true);
    await expect.poll(async () => (await page.locator('.react-flow__node-step').evaluateAll((ns) => ns.map((n) => n.getAttribute('data-id')))).filter((id) => !before.has(id)).length).toBeGreaterThan(10);
    await expect.poll(async () => (await detachedEdges(page)).detached).toEqual([]);

    await page.click('.react-flow__controls-fitview');
    await expect.poll(() => page.locator('[data-testid="edge-overview"]').count()).toBe(1);
    expect(await page.locator('.react-flow__edge').count()).toBe(0);
    const strokes = await page.locator('[data-testid="edge-overview"] path').evaluateAll((ps) => ps.map((p) => (p.getAttribute('d')?.match(/M/g) ?? []).length).reduce((a, b) => a + b, 0));
    expect(strokes).toBe(doc.edges.length);
    await h.screenshot(page, 'editor-large-scenario-zoomed-out');

    // Zoomed in again: the real edges, their labels (router conditions) and their handles are back.
    for (let i = 0; i < 12 && (await page.locator('[data-testid="edge-overview"]').count()); i++) await page.click('.react-flow__controls-zoomin');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="edge-overview"]').count()).toBe(0);
    await expect.poll(async () => (await detachedEdges(page)).detached).toEqual([]);
    expect(await page.locator('.edge-label').count()).toBeGreaterThan(0);
    expect(h.pageErrors).toEqual([]);
  });
});
