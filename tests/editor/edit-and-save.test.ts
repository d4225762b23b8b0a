/**
 * Drawing on the canvas: drag a node from the palette, connect it, fill its
 * form, save, reload — it is all still there; undo and redo walk through
 * the states in between.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { connectHandles, dragFromPalette, startEditorHarness, waitForCanvas, type EditorHarness } from './support/editor-harness';

let h: EditorHarness;
beforeAll(async () => {
  h = await startEditorHarness();
});
afterAll(() => h?.close());

const id = `edit-${Date.now().toString(36)}`;

/** What the canvas shows: node ids, edges as "a->b", labels, and which nodes carry a problem badge. */
async function canvasState(page: Page) {
  return page.evaluate(() => ({
    nodes: [...document.querySelectorAll('.react-flow__node-step')].map((n) => n.getAttribute('data-id')).sort(),
    edges: [...document.querySelectorAll('.react-flow__edge')].map((e) => e.getAttribute('data-testid')?.replace(/^rf__edge-/, '') ?? '').length,
    labels: Object.fromEntries([...document.querySelectorAll('.react-flow__node-step')].map((n) => [n.getAttribute('data-id'), n.querySelector('.step-label, .step-caption')?.textContent])),
    problems: [...document.querySelectorAll('.step-problem')].map((b) => b.closest('.react-flow__node')?.getAttribute('data-id')).sort(),
  }));
}

/** Stores a scenario of a trigger and a transform (n1 → n2). */
function postTriggerAndTransform(scenarioId: string, name: string) {
  return h.api('POST', '/scenarios', {
    format: 'switchyard/scenario@1', id: scenarioId, name,
    nodes: [{ id: 'n1', type: 'trigger.manual', position: { x: 0, y: 0 } }, { id: 'n2', type: 'transform', position: { x: 300, y: 0 }, config: { expression: 'input' } }],
    edges: [{ from: 'n1', to: 'n2' }],
  });
}

describe('editing a scenario on the canvas', () => {
  it('drags, connects, configures, saves, reloads, and undoes/redoes through each state', async () => {
    await h.api('POST', '/scenarios', {
      format: 'switchyard/scenario@1', id, name: 'Edit test',
      nodes: [{ id: 'n1', type: 'trigger.manual', label: 'Run by hand', position: { x: 0, y: 0 } }], edges: [],
    });
    const page = await h.newPage();
    await page.goto(`${h.baseUrl}/scenarios/${id}`);
    await waitForCanvas(page);
    const states = [await canvasState(page)];

    const trigger = (await page.locator('.react-flow__node[data-id="n1"]').boundingBox())!;
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    await dragFromPalette(page, 'transform', { x: Math.min(trigger.x + trigger.width + 260, pane.x + pane.width - 150), y: trigger.y + trigger.height / 2 });
    await page.waitForSelector('.react-flow__node[data-id="n2"]');
    states.push(await canvasState(page));
    expect(states[1].nodes).toEqual(['n1', 'n2']);
    // A transform without its expression is invalid: the validator's badge shows on the new node.
    await expect.poll(async () => (await canvasState(page)).problems).toEqual(['n2']);
    states[1] = await canvasState(page);

    await connectHandles(page, { node: 'n1', handle: 'right' }, { node: 'n2', handle: 'left' });
    await page.waitForSelector('.react-flow__edge', { state: 'attached' });
    states.push(await canvasState(page));
    expect(states[2].edges).toBe(1);

    await page.click('.react-flow__node[data-id="n2"]');
    await page.fill('#cfg-expression', '{ "greeting": "Hello " & input.name }');
    await expect.poll(async () => (await canvasState(page)).problems).toEqual([]);
    states.push(await canvasState(page));

    await page.fill('#node-label', 'Greet the user');
    // Typing Backspace in a field edits the field; it must not delete the selected node.
    await page.press('#node-label', 'End');
    await page.keyboard.type('!');
    await page.keyboard.press('Backspace');
    await expect.poll(async () => (await canvasState(page)).labels.n2).toBe('Greet the user');
    states.push(await canvasState(page));
    expect(states[4].nodes).toEqual(['n1', 'n2']);
    await h.screenshot(page, 'editor-edit-configured');

    // Leave the field, then walk back through history and forward again.
    await page.click('.react-flow__pane', { position: { x: 40, y: 40 } });
    for (let i = states.length - 2; i >= 0; i--) {
      await page.keyboard.press('Control+z');
      await expect.poll(() => canvasState(page)).toEqual(states[i]);
    }
    for (let i = 1; i < states.length; i++) {
      await page.keyboard.press('Control+Shift+z');
      await expect.poll(() => canvasState(page)).toEqual(states[i]);
    }

    await page.click('[data-testid="save"]');
    await expect.poll(() => page.locator('[data-testid="version-info"]').textContent()).toContain('v2');
    await page.reload();
    await waitForCanvas(page);
    const reloaded = await canvasState(page);
    expect(reloaded).toEqual(states[states.length - 1]);
    const stored = await h.api<{ scenario: { nodes: Array<{ id: string; type: string; label?: string; config?: Record<string, unknown> }>; edges: Array<{ from: string; to: string; fromHandle?: string; toHandle?: string }> } }>('GET', `/scenarios/${id}`);
    expect(stored.scenario.nodes.find((n) => n.id === 'n2')).toMatchObject({ type: 'transform', label: 'Greet the user', config: { expression: '{ "greeting": "Hello " & input.name }' } });
    expect(stored.scenario.edges).toEqual([expect.objectContaining({ from: 'n1', to: 'n2', fromHandle: 'right', toHandle: 'left' })]);
    await h.screenshot(page, 'editor-edit-reloaded');
    expect(h.pageErrors).toEqual([]);
  });

  it('keeps edits made while a save is on its way unsaved, and Ctrl+S with nothing changed saves nothing', async () => {
    const raceId = `${id}-race`;
    await postTriggerAndTransform(raceId, 'Save race');
    const page = await h.newPage();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const puts: string[] = [];
    page.on('request', (r) => { if (r.method() === 'PUT') puts.push(r.url()); });
    await page.route(`**/api/scenarios/${raceId}`, async (route) => {
      if (route.request().method() === 'PUT') await held;
      await route.continue();
    });
    await page.goto(`${h.baseUrl}/scenarios/${raceId}`);
    await waitForCanvas(page);
    await page.click('.react-flow__node[data-id="n2"]');
    await page.fill('#node-label', 'First edit');
    await page.click('[data-testid="save"]');
    // While the save is on its way, another edit.
    await expect.poll(() => puts.length).toBe(1);
    await page.fill('#node-label', 'Second edit');
    release();
    await expect.poll(() => page.locator('[data-testid="version-info"]').textContent()).toContain('v2');
    expect((await h.api<{ scenario: { nodes: Array<{ id: string; label?: string }> } }>('GET', `/scenarios/${raceId}`)).scenario.nodes[1].label).toBe('First edit');
    // The second edit is not in v2: Save still offers it.
    expect(await page.isEnabled('[data-testid="save"]')).toBe(true);
    await page.click('[data-testid="save"]');
    await expect.poll(() => page.locator('[data-testid="version-info"]').textContent()).toContain('v3');
    expect((await h.api<{ scenario: { nodes: Array<{ id: string; label?: string }> } }>('GET', `/scenarios/${raceId}`)).scenario.nodes[1].label).toBe('Second edit');
    expect(await page.isEnabled('[data-testid="save"]')).toBe(false);

    await page.click('.react-flow__pane', { position: { x: 40, y: 40 } });
    await page.keyboard.press('Control+s');
    await page.waitForTimeout(1000);
    expect(puts).toHaveLength(2);
    expect(h.pageErrors).toEqual([]);
  });

  it("asks before the browser's Back leaves unsaved changes, and stays when told to", async () => {
    const backId = `${id}-back`;
    await postTriggerAndTransform(backId, 'Back test');
    const asked: string[] = [];
    let answer = false;
    const page = await h.newPage({ onDialog: async (d) => { asked.push(d.message()); await (answer ? d.accept() : d.dismiss()); } });
    await page.goto(h.baseUrl);
    await page.click(`[data-testid="scenario-list"] a[href="/scenarios/${backId}"]`);
    await waitForCanvas(page);
    await page.click('.react-flow__node[data-id="n2"]');
    await page.fill('#node-label', 'Not saved yet');

    await page.goBack();
    await expect.poll(() => asked).toEqual(['This scenario has unsaved changes. Leave without saving?']);
    // Told to stay: the scenario, its address and the edit are all still there.
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/scenarios/${backId}`);
    expect(await page.inputValue('#node-label')).toBe('Not saved yet');
    expect(await page.locator('[data-testid="scenario-list"]').count()).toBe(0);

    answer = true;
    await page.goBack();
    await page.waitForSelector('[data-testid="scenario-list"]');
    expect(asked).toHaveLength(2);
    expect(h.pageErrors).toEqual([]);
  });

  it('refuses a connection into the trigger, the same connection twice and a second trigger, saying why', async () => {
    const page = await h.newPage();
    await page.goto(`${h.baseUrl}/scenarios/${id}`);
    await waitForCanvas(page);
    // Refused with its reason: into the trigger (which would also close a cycle), and the same connection twice.
    await connectHandles(page, { node: 'n2', handle: 'right' }, { node: 'n1', handle: 'left' });
    await expect.poll(() => page.locator('[data-testid="notice"]').textContent()).toMatch(/trigger|cycle/);
    await connectHandles(page, { node: 'n1', handle: 'right' }, { node: 'n2', handle: 'left' });
    await expect.poll(() => page.locator('[data-testid="notice"]').textContent()).toContain('n1 is already connected to n2 from that output');
    expect(await page.locator('.react-flow__edge').count()).toBe(1);
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    await dragFromPalette(page, 'trigger.manual', { x: pane.x + pane.width / 2, y: pane.y + pane.height - 120 });
    await expect.poll(() => page.locator('[data-testid="notice"]').textContent()).toContain('exactly one trigger');
    expect(await page.locator('.react-flow__node-step').count()).toBe(2);
    await h.screenshot(page, 'editor-edit-refused');
  });
});
