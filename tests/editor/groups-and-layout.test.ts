/**
 * Groups and auto-layout on the canvas: make a group from a selection,
 * rename it, move it as one, collapse and expand it, and keep it through a
 * save and reload; auto-layout the user-segmentation example without
 * overlaps, members inside their groups, and undo it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { READABLE_ZOOM } from '../../editor/src/hooks/use-readable-fit';
import { boxes, edgeLabelClashes, overlap, watchViewport, zoomOf, type Box } from './support/canvas-geometry';
import { startEditorHarness, waitForCanvas, type EditorHarness } from './support/editor-harness';

const example = path.resolve(import.meta.dirname, '../../examples/user-segmentation.json');

let h: EditorHarness;
beforeAll(async () => {
  h = await startEditorHarness({ examplesDir: existsSync(example) ? path.dirname(example) : undefined });
});
afterAll(() => h?.close());

/**
 * The arrows as a person sees them: for each drawn edge, the nodes its two
 * ends touch ("n1->group1"), found from the path's geometry, not its id.
 */
async function arrows(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const nodes = [...document.querySelectorAll('.react-flow__node')].map((n) => ({ id: n.getAttribute('data-id'), r: n.getBoundingClientRect() }));
    const touching = (p: DOMPoint) => {
      const near = nodes
        .map(({ id, r }) => ({ id, area: r.width * r.height, d: Math.hypot(Math.max(r.left - p.x, 0, p.x - r.right), Math.max(r.top - p.y, 0, p.y - r.bottom)) }))
        .filter((n) => n.d < 8)
        // An end at a member's handle is inside its group too; the smaller box is the one meant.
        .sort((a, b) => a.area - b.area);
      return near[0]?.id ?? '(nothing)';
    };
    return [...document.querySelectorAll<SVGPathElement>('.react-flow__edge-path')]
      .map((path) => {
        const m = path.getScreenCTM()!;
        const start = path.getPointAtLength(0).matrixTransform(m), end = path.getPointAtLength(path.getTotalLength()).matrixTransform(m);
        return `${touching(start)}->${touching(end)}`;
      })
      .sort();
  });
}

const inside = (inner: Box, outer: Box) => inner.left >= outer.left - 1 && inner.top >= outer.top - 1 && inner.right <= outer.right + 1 && inner.bottom <= outer.bottom + 1;
const selectedIds = (page: Page) => page.locator('.react-flow__node.selected').evaluateAll((ns) => ns.map((n) => n.getAttribute('data-id')).sort());

type Stored = { scenario: { groups?: Array<{ id: string; label?: string; collapsed?: boolean; position?: { x: number; y: number } }>; nodes: Array<{ id: string; group?: string; position: { x: number; y: number } }> } };

describe('groups', () => {
  const id = `groups-${Date.now().toString(36)}`;
  const transform = (nodeId: string, label: string, x: number) => ({ id: nodeId, type: 'transform', label, position: { x, y: 0 }, config: { expression: 'input' } });

  it('groups a selection, renames, moves, collapses and expands it, and keeps it through save and reload', async () => {
    await h.api('POST', '/scenarios', {
      format: 'switchyard/scenario@1', id, name: 'Score and notify',
      nodes: [{ id: 'n1', type: 'trigger.manual', label: 'Run by hand', position: { x: 0, y: 0 } }, transform('n2', 'Score', 280), transform('n3', 'Label', 560), transform('n4', 'Notify', 840)],
      edges: [{ from: 'n1', to: 'n2' }, { from: 'n2', to: 'n3' }, { from: 'n3', to: 'n4' }],
    });
    const page = await h.newPage();
    await page.goto(`${h.baseUrl}/scenarios/${id}`);
    await waitForCanvas(page);

    // Shift-click adds to the selection.
    await page.click('.react-flow__node[data-id="n2"]');
    await page.click('.react-flow__node[data-id="n3"]', { modifiers: ['Shift'] });
    expect(await selectedIds(page)).toEqual(['n2', 'n3']);
    await page.keyboard.press('Escape');
    await expect.poll(() => selectedIds(page)).toEqual([]);

    // Shift-drag on the canvas draws a selection box around the two nodes.
    let at = await boxes(page);
    await page.keyboard.down('Shift');
    await page.mouse.move(at.n2.left - 20, at.n2.top - 40);
    await page.mouse.down();
    await page.mouse.move(at.n3.right + 20, at.n3.bottom + 40, { steps: 8 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await expect.poll(() => selectedIds(page)).toEqual(['n2', 'n3']);

    await page.click('button:has-text("Group")');
    await page.waitForSelector('.react-flow__node-scenarioGroup');
    const group = (await page.locator('.react-flow__node-scenarioGroup').getAttribute('data-id'))!;
    at = await boxes(page);
    expect(inside(at.n2, at[group]) && inside(at.n3, at[group])).toBe(true);
    expect(overlap(at.n1, at[group]) || overlap(at.n4, at[group])).toBe(false);

    // Rename in place: double-click the title, type, Enter.
    await page.dblclick(`[data-testid="group-${group}"] .group-label`);
    await page.fill(`[data-testid="group-${group}"] .group-rename`, 'Scoring');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator(`[data-testid="group-${group}"] .group-label`).textContent()).toBe('Scoring');

    // Drag the group by its header: its members come along, the others stay.
    const before = await boxes(page);
    const header = (await page.locator(`[data-testid="group-${group}"] .group-header`).boundingBox())!;
    await page.mouse.move(header.x + header.width - 60, header.y + header.height / 2);
    await page.mouse.down();
    await page.mouse.move(header.x + header.width - 40, header.y + 130, { steps: 10 });
    await page.mouse.up();
    const moved = await boxes(page);
    const dx = moved[group].left - before[group].left, dy = moved[group].top - before[group].top;
    expect(Math.abs(dx) + Math.abs(dy)).toBeGreaterThan(50);
    for (const member of ['n2', 'n3']) {
      expect(moved[member].left - before[member].left, member).toBeCloseTo(dx, 0);
      expect(moved[member].top - before[member].top, member).toBeCloseTo(dy, 0);
    }
    expect([moved.n1, moved.n4]).toEqual([before.n1, before.n4]);
    expect(overlap(moved.n1, moved[group]) || overlap(moved.n4, moved[group])).toBe(false);
    await h.screenshot(page, 'editor-group-moved');

    // Collapse: the members disappear and the arrows go to and from the group.
    expect(await arrows(page)).toEqual(['n1->n2', 'n2->n3', 'n3->n4']);
    // The selected group's hint in the side panel names the button its header shows.
    const hint = () => page.locator('[data-testid="group-hint"]').textContent();
    await expect.poll(hint).toContain('▾ to collapse');
    await page.click(`[data-testid="group-${group}"] button[title="Collapse group"]`);
    await expect.poll(() => page.locator('.react-flow__node-step').evaluateAll((ns) => ns.map((n) => n.getAttribute('data-id')).sort())).toEqual(['n1', 'n4']);
    await expect.poll(() => arrows(page)).toEqual([`${group}->n4`, `n1->${group}`]);
    await expect.poll(hint).toContain('▸ to expand');
    await h.screenshot(page, 'editor-group-collapsed');

    // Expand: the members are back where they were, with their own arrows.
    await page.click(`[data-testid="group-${group}"] button[title="Expand group"]`);
    await expect.poll(() => arrows(page)).toEqual(['n1->n2', 'n2->n3', 'n3->n4']);
    await expect.poll(hint).toContain('▾ to collapse');
    expect(await boxes(page)).toEqual(moved);

    // Collapse again and save: the document holds the group, its members and the collapsed state.
    await page.click(`[data-testid="group-${group}"] button[title="Collapse group"]`);
    await page.click('[data-testid="save"]');
    await expect.poll(() => page.locator('[data-testid="version-info"]').textContent()).toBe('v2');
    const stored = await h.api<Stored>('GET', `/scenarios/${id}`);
    expect(stored.scenario.groups).toEqual([expect.objectContaining({ id: group, label: 'Scoring', collapsed: true })]);
    const byId = Object.fromEntries(stored.scenario.nodes.map((n) => [n.id, n]));
    expect([byId.n1.group, byId.n2.group, byId.n3.group, byId.n4.group]).toEqual([undefined, group, group, undefined]);
    // The members moved with the group (canvas units), the rest did not.
    expect(byId.n2.position.x - 280).toBe(byId.n3.position.x - 560);
    expect(byId.n2.position.y).toBe(byId.n3.position.y);
    expect(byId.n2.position.y).toBeGreaterThan(0);
    expect([byId.n1.position, byId.n4.position]).toEqual([{ x: 0, y: 0 }, { x: 840, y: 0 }]);

    await page.reload();
    await page.waitForSelector(`[data-testid="group-${group}"]`);
    await expect.poll(() => arrows(page)).toEqual([`${group}->n4`, `n1->${group}`]);
    expect(await page.locator(`[data-testid="group-${group}"] .group-label`).textContent()).toBe('Scoring');
    await page.click(`[data-testid="group-${group}"] button[title="Expand group"]`);
    await expect.poll(() => arrows(page)).toEqual(['n1->n2', 'n2->n3', 'n3->n4']);
    const reloaded = await boxes(page);
    expect(inside(reloaded.n2, reloaded[group]) && inside(reloaded.n3, reloaded[group])).toBe(true);
    expect(overlap(reloaded.n1, reloaded[group]) || overlap(reloaded.n4, reloaded[group])).toBe(false);
    await h.screenshot(page, 'editor-group-reloaded');
    expect(h.pageErrors).toEqual([]);
  });
});

describe('auto-layout', () => {
  /** Where each node sits on the canvas and, for groups, its size (independent of pan and zoom). */
  const positions = (page: Page) =>
    page.locator('.react-flow__node').evaluateAll((ns) =>
      Object.fromEntries(ns.map((n) => { const { transform, width, height } = (n as HTMLElement).style; return [n.getAttribute('data-id'), `${transform} ${width}×${height}`]; })),
    );

  /** The canvas pane in page pixels. */
  const pane = async (page: Page): Promise<Box> => {
    const b = (await page.locator('.react-flow').boundingBox())!;
    return { left: b.x, top: b.y, right: b.x + b.width, bottom: b.y + b.height };
  };

  /** Clicks Layout; once the nodes have moved and the view has come to rest, returns where they were and each viewport shown meanwhile. */
  const layOut = async (page: Page) => {
    const original = await positions(page);
    const view = await watchViewport(page);
    await page.click('button:has-text("Layout")');
    await expect.poll(() => positions(page)).not.toEqual(original);
    return { original, frames: await view.settled() };
  };

  it('brings the laid-out scenario into view, animated', async () => {
    const id = `scattered-${Date.now().toString(36)}`;
    const transform = (nodeId: string, x: number, y: number) => ({ id: nodeId, type: 'transform', position: { x, y }, config: { expression: 'input' } });
    await h.api('POST', '/scenarios', {
      format: 'switchyard/scenario@1', id, name: 'Scattered',
      nodes: [{ id: 'n1', type: 'trigger.manual', position: { x: 0, y: 0 } }, transform('n2', 1500, 900), transform('n3', 200, 1300), transform('n4', 1800, 80)],
      edges: [{ from: 'n1', to: 'n2' }, { from: 'n2', to: 'n3' }, { from: 'n3', to: 'n4' }],
    });
    const page = await h.newPage();
    await page.goto(`${h.baseUrl}/scenarios/${id}`);
    await waitForCanvas(page);
    // Zoomed in on a part of it, as after working on one node.
    for (let i = 0; i < 3; i++) await page.click('.react-flow__controls-zoomin');
    await (await watchViewport(page)).settled();

    const { frames } = await layOut(page);
    expect(frames.length, 'the view glides to the result rather than jumping').toBeGreaterThan(2);
    // All of the small scenario is in view and fills it, instead of a corner of empty canvas.
    const [at, area] = [await boxes(page), await pane(page)];
    const steps = ['n1', 'n2', 'n3', 'n4'].map((n) => at[n]);
    for (const [i, box] of steps.entries()) expect(inside(box, area), `n${i + 1} in view`).toBe(true);
    const spread = Math.max(...steps.map((b) => b.right)) - Math.min(...steps.map((b) => b.left));
    expect(spread / (area.right - area.left)).toBeGreaterThan(0.8);
    await h.screenshot(page, 'editor-layout-fitted');
    expect(h.pageErrors).toEqual([]);
  });

  it.runIf(existsSync(example))('lays out the user-segmentation example without overlaps, members inside their groups, and undoes', async () => {
    const doc = JSON.parse(readFileSync(example, 'utf8')) as { id: string; nodes: Array<{ id: string; type: string; group?: string }> };
    const page = await h.newPage();
    await page.goto(`${h.baseUrl}/scenarios/${doc.id}`);
    await waitForCanvas(page);

    const { original, frames } = await layOut(page);
    // Too wide to read whole, it is shown at a readable zoom around its trigger, where the flow starts.
    expect(frames.length, 'the view glides to the result rather than jumping').toBeGreaterThan(2);
    expect(zoomOf(frames.at(-1)!)).toBeCloseTo(READABLE_ZOOM, 3);
    const laid = await boxes(page);
    const trigger = doc.nodes.find((n) => n.type.startsWith('trigger.'))!.id;
    expect(inside(laid[trigger], await pane(page)), `${trigger} in view`).toBe(true);
    const steps = doc.nodes.map((n) => n.id);
    expect(Object.keys(laid)).toEqual(expect.arrayContaining(steps));
    const overlapping: string[] = [];
    for (let i = 0; i < steps.length; i++) for (let j = i + 1; j < steps.length; j++) if (overlap(laid[steps[i]], laid[steps[j]])) overlapping.push(`${steps[i]}×${steps[j]}`);
    expect(overlapping).toEqual([]);
    const groups = [...new Set(doc.nodes.map((n) => n.group).filter((g): g is string => Boolean(g)))];
    expect(groups).toHaveLength(3);
    for (const n of doc.nodes) {
      if (n.group) expect(inside(laid[n.id], laid[n.group]), `${n.id} inside ${n.group}`).toBe(true);
      else for (const g of groups) expect(overlap(laid[n.id], laid[g]), `${n.id} outside ${g}`).toBe(false);
    }
    for (let i = 0; i < groups.length; i++) for (let j = i + 1; j < groups.length; j++) expect(overlap(laid[groups[i]], laid[groups[j]]), `${groups[i]}×${groups[j]}`).toBe(false);
    // Edge labels stay readable: none sits on a node or on another label.
    expect(await edgeLabelClashes(page)).toEqual([]);
    await h.screenshot(page, 'editor-auto-layout');

    await page.keyboard.press('Control+z');
    await expect.poll(() => positions(page)).toEqual(original);
    expect(h.pageErrors).toEqual([]);
  });
});
