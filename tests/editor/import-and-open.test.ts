/**
 * Getting scenarios into the editor: import the seeds' text diagram and a
 * Make blueprint from the scenario list, and open the user-segmentation
 * example — 20 nodes in 3 groups with the seed's edge labels, each readable.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { edgeLabelClashes } from './support/canvas-geometry';
import { startEditorHarness, waitForCanvas, type EditorHarness } from './support/editor-harness';

const seedFile = '/work/shared/seeds/002_afcd5065394e5a39.txt';
const blueprintDir = path.resolve(import.meta.dirname, '../../../shared/fixtures/make-blueprints');
const blueprintFile = path.join(existsSync(blueprintDir) ? blueprintDir : '/work/shared/fixtures/make-blueprints', 'webhook-router-error-handler.json');
const example = path.resolve(import.meta.dirname, '../../examples/user-segmentation.json');

/** What the seed diagram draws: node ids per group and every edge label, read from the seed itself. */
function seedDiagram() {
  const text = readFileSync(seedFile, 'utf8');
  const groups = [...text.matchAll(/^(\w+) \{ #/gm)].map((m) => m[1]);
  const nodes = [...text.matchAll(/^(n\d+): (circle|rectangle|diamond)/gm)].map((m) => m[1]);
  const labels = [...text.matchAll(/\[label="([^"]+)"\]/g)].map((m) => m[1]).sort();
  return { groups, nodes, labels };
}

async function canvas(page: Page) {
  return page.evaluate(() => ({
    nodes: document.querySelectorAll('.react-flow__node-step').length,
    groups: [...document.querySelectorAll('.react-flow__node-scenarioGroup')].map((g) => g.getAttribute('data-id')).sort(),
    labels: [...document.querySelectorAll('.edge-label')].map((l) => l.textContent ?? '').sort(),
    overlapping: (() => {
      // Nodes drawn on top of each other would make the diagram unreadable.
      const boxes = [...document.querySelectorAll('.react-flow__node-step')].map((n) => n.getBoundingClientRect());
      let count = 0;
      for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], b = boxes[j];
        if (a.left < b.right - 2 && b.left < a.right - 2 && a.top < b.bottom - 2 && b.top < a.bottom - 2) count++;
      }
      return count;
    })(),
  }));
}

let h: EditorHarness;
beforeAll(async () => {
  h = await startEditorHarness({ examplesDir: existsSync(example) ? path.dirname(example) : undefined });
});
afterAll(() => h?.close());

describe('importing and opening scenarios', () => {
  it('imports the seed\'s text diagram from the list and draws 20 nodes in 3 groups with its edge labels', async () => {
    const seed = seedDiagram();
    const page = await h.newPage();
    await page.goto(h.baseUrl);
    await page.waitForSelector('[data-testid="scenario-list"]');
    await page.setInputFiles('[data-testid="import-file"]', seedFile);
    await expect.poll(() => page.locator('[data-testid="list-message"]').textContent()).toMatch(/^Imported/);
    expect(await page.locator('[data-testid="import-notes"] li').count()).toBeGreaterThan(0);
    await h.screenshot(page, 'editor-import-list');
    const id = /as (\S+)$/.exec((await page.locator('[data-testid="list-message"]').textContent())!)![1];
    await page.click(`a[href="/scenarios/${id}"]`);
    await waitForCanvas(page);
    await expect.poll(async () => (await canvas(page)).nodes).toBe(seed.nodes.length);
    const drawn = await canvas(page);
    expect(drawn.groups).toEqual([...seed.groups].sort());
    expect(drawn.labels).toEqual(seed.labels);
    expect(drawn.overlapping).toBe(0);
    await h.screenshot(page, 'editor-import-diagram');
  });

  it('imports a Make blueprint', async () => {
    const text = readFileSync(blueprintFile, 'utf8');
    const expected = await h.api<{ scenario: { id: string; nodes: unknown[]; edges: unknown[] } }>('POST', '/import', text);
    const page = await h.newPage();
    await page.goto(h.baseUrl);
    await page.waitForSelector('[data-testid="scenario-list"]');
    await page.setInputFiles('[data-testid="import-file"]', blueprintFile);
    await expect.poll(() => page.locator('[data-testid="list-message"]').textContent()).toBe(`Imported "${(expected.scenario as { name?: string }).name}" as ${expected.scenario.id}`);
    await page.click(`a[href="/scenarios/${expected.scenario.id}"]`);
    await waitForCanvas(page);
    await expect.poll(async () => (await canvas(page)).nodes).toBe(expected.scenario.nodes.length);
    expect(await page.locator('.react-flow__edge').count()).toBe(expected.scenario.edges.length);
    await h.screenshot(page, 'editor-import-blueprint');
    expect(h.pageErrors).toEqual([]);
  });

  it.runIf(existsSync(example))('opens the user-segmentation example: 20 nodes in 3 groups with the seed\'s edge labels', async () => {
    const seed = seedDiagram();
    const doc = JSON.parse(readFileSync(example, 'utf8')) as { id: string };
    const page = await h.newPage();
    await page.goto(`${h.baseUrl}/scenarios/${doc.id}`);
    await waitForCanvas(page);
    await expect.poll(async () => (await canvas(page)).nodes).toBe(seed.nodes.length);
    const drawn = await canvas(page);
    expect(drawn.groups).toEqual([...seed.groups].sort());
    for (const label of seed.labels) expect(drawn.labels).toContain(label);
    expect(drawn.overlapping).toBe(0);
    // Every label can be read as it opens: none drawn over a node or another label.
    expect(await edgeLabelClashes(page)).toEqual([]);
    await h.screenshot(page, 'editor-open-example');
  });
});
