/**
 * Validation in the editor: an invalid config shows the validator's message
 * on the node and in the problems list, blocks publish, and a fix clears it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateScenario } from '../../engine/scenario/validate';
import { createRegistry } from '../../nodes';
import { startEditorHarness, waitForCanvas, type EditorHarness } from './support/editor-harness';

let h: EditorHarness;
beforeAll(async () => {
  h = await startEditorHarness();
});
afterAll(() => h?.close());

const scenario = {
  format: 'switchyard/scenario@1',
  id: `problems-${Date.now().toString(36)}`,
  name: 'Problems test',
  nodes: [
    { id: 'n1', type: 'trigger.manual', position: { x: 0, y: 0 } },
    { id: 'n2', type: 'router', label: 'Score?', position: { x: 260, y: 0 }, config: { subject: 'input.score' } },
    { id: 'n3', type: 'approval', label: 'Review', position: { x: 520, y: -80 }, config: { reviewers: [] } },
    { id: 'n4', type: 'transform', label: 'Default', position: { x: 520, y: 80 }, config: { expression: 'input' } },
  ],
  edges: [
    { from: 'n1', to: 'n2', fromHandle: 'right', toHandle: 'left' },
    { from: 'n2', to: 'n3', label: '> 0.7', fromHandle: 'right', toHandle: 'left' },
    { from: 'n2', to: 'n4', label: 'else', fromHandle: 'bottom', toHandle: 'left' },
  ],
};

describe('problems in the editor', () => {
  it('shows the validator\'s message on the node and in the list, blocks publish, and clears when fixed', async () => {
    const expected = validateScenario(scenario, await createRegistry()).problems.filter((p) => p.severity === 'error');
    expect(expected.map((p) => p.nodeId)).toEqual(['n3']);
    await h.api('POST', '/scenarios', scenario);
    const page = await h.newPage();
    await page.goto(`${h.baseUrl}/scenarios/${scenario.id}`);
    await waitForCanvas(page);

    await expect.poll(() => page.locator('[data-testid="problem-n3"]').textContent()).toBe(String(expected.length));
    expect(await page.locator('.step-problem').count()).toBe(1);
    expect(await page.locator('[data-testid="publish"]').isDisabled()).toBe(true);
    await page.click('[data-testid="tab-problems"]');
    const listed = await page.locator('[data-testid="problems-list"]').textContent();
    for (const p of expected) {
      expect(listed).toContain(p.message);
      expect(listed).toContain(p.path);
    }
    await h.screenshot(page, 'editor-problems-list');

    // A JSONata typo shows where it breaks while typing.
    await page.click('.react-flow__node[data-id="n2"]');
    await page.click('[data-testid="tab-node"]');
    await page.fill('#cfg-subject', 'input.score >');
    await expect.poll(() => page.locator('[data-testid="expr-error-cfg-subject"]').textContent()).toMatch(/at character \d+/);
    await expect.poll(() => page.locator('[data-testid="problem-n2"]').count()).toBe(1);
    await h.screenshot(page, 'editor-problems-expression');
    await page.fill('#cfg-subject', 'input.score');

    // Fix the approval: name a reviewer through the generated array field.
    await page.click('.react-flow__node[data-id="n3"]');
    await page.click('#cfg-reviewers');
    await page.fill('#cfg-reviewers-0', 'ops-lead');
    await expect.poll(() => page.locator('.step-problem').count()).toBe(0);
    expect(await page.locator('[data-testid="publish"]').isDisabled()).toBe(false);
    await page.click('[data-testid="publish"]');
    await expect.poll(() => page.locator('[data-testid="version-info"]').textContent()).toContain('published v2');
    const stored = await h.api<{ publishedVersion: number; scenario: { nodes: Array<{ id: string; config?: Record<string, unknown> }> } }>('GET', `/scenarios/${scenario.id}`);
    expect(stored.publishedVersion).toBe(2);
    expect(stored.scenario.nodes.find((n) => n.id === 'n3')?.config).toEqual({ reviewers: ['ops-lead'] });
    await h.screenshot(page, 'editor-problems-fixed');
    expect(h.pageErrors).toEqual([]);
  });
});
