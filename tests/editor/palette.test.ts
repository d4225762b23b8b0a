/**
 * The palette's categories fold away and stay folded across reloads; a
 * search still finds, and drags, a node type from a folded category.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { dragFromPalette, startEditorHarness, waitForCanvas, type EditorHarness } from './support/editor-harness';

let h: EditorHarness;
beforeAll(async () => {
  h = await startEditorHarness();
});
afterAll(() => h?.close());

const id = `palette-${Date.now().toString(36)}`;

/** Per category: whether it is open, and the node types listed under it. */
async function palette(page: Page): Promise<Record<string, { open: boolean; types: string[] }>> {
  return page.locator('.palette section').evaluateAll((sections) =>
    Object.fromEntries(
      sections.map((s) => [
        s.getAttribute('data-category'),
        { open: s.querySelector('.palette-category')?.getAttribute('aria-expanded') === 'true', types: [...s.querySelectorAll('.palette-item')].map((i) => i.getAttribute('data-type') ?? '') },
      ]),
    ),
  );
}

const header = (category: string) => `.palette section[data-category="${category}"] .palette-category`;

describe('the palette', () => {
  it('folds categories, remembers them across reloads, and still finds folded types by search', async () => {
    const types = await h.api<{ items: Array<{ type: string; category: string }> } | Array<{ type: string; category: string }>>('GET', '/node-types');
    const descriptions = Array.isArray(types) ? types : types.items;
    const typesOf = (category: string) => descriptions.filter((d) => d.category === category).map((d) => d.type).sort();
    await h.api('POST', '/scenarios', {
      format: 'switchyard/scenario@1', id, name: 'Palette',
      nodes: [{ id: 'n1', type: 'trigger.manual', position: { x: 0, y: 0 } }], edges: [],
    });
    const page = await h.newPage();
    await page.goto(`${h.baseUrl}/scenarios/${id}`);
    await waitForCanvas(page);

    // Every category starts open, and the list is longer than the panel: the reason to fold.
    const all = await palette(page);
    for (const [category, shown] of Object.entries(all)) expect({ category, ...shown, types: shown.types.sort() }).toEqual({ category, open: true, types: typesOf(category) });
    expect(await page.locator('.palette').evaluate((p) => p.scrollHeight > p.clientHeight)).toBe(true);

    await page.click(header('Segmentation'));
    await page.click(header('Integrations'));
    const folded = await palette(page);
    expect(folded.Segmentation).toEqual({ open: false, types: [] });
    expect(folded.Integrations).toEqual({ open: false, types: [] });
    expect(folded.Flow).toEqual(all.Flow);
    await h.screenshot(page, 'editor-palette-folded');

    await page.reload();
    await waitForCanvas(page);
    expect(await palette(page)).toEqual(folded);

    // A search shows matches in folded categories, and the match can be dragged in.
    await page.fill('.palette .search', 'rfm');
    await expect.poll(() => palette(page)).toEqual({ Segmentation: { open: true, types: ['segment.rfm'] } });
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    await dragFromPalette(page, 'segment.rfm', { x: pane.x + pane.width / 2, y: pane.y + pane.height / 2 + 120 });
    await expect.poll(() => page.locator('.react-flow__node[data-id="n2"] .step-type').textContent()).toBe('RFM segments');
    expect(await palette(page)).toEqual(folded);

    // Open one again, from the keyboard; that is remembered too.
    await page.focus(header('Integrations'));
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await palette(page)).Integrations).toEqual(all.Integrations);
    // The reload asks about the unsaved node; the harness says leave.
    await page.reload();
    await waitForCanvas(page);
    const after = await palette(page);
    expect(after.Integrations).toEqual(all.Integrations);
    expect(after.Segmentation).toEqual({ open: false, types: [] });
    expect(h.pageErrors).toEqual([]);
  });
});
