/**
 * The scenario list: create, rename, duplicate and delete through the
 * list's buttons and dialogs; each shows in the list and in the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dialog, Page } from 'playwright-core';
import { startEditorHarness, waitForCanvas, type EditorHarness } from './support/editor-harness';

let h: EditorHarness;
beforeAll(async () => {
  h = await startEditorHarness();
});
afterAll(() => h?.close());

type Stored = { version: number; scenario: { id: string; name: string; nodes: Array<{ id: string; type: string }>; edges: unknown[] } };

/** Clicks, answers the dialog the click opens, and returns the dialog's type and message. */
async function clickAndAnswer(page: Page, selector: string, answer: (d: Dialog) => Promise<void>): Promise<string> {
  const opened = page.waitForEvent('dialog');
  const clicked = page.click(selector);
  const dialog = await opened;
  await answer(dialog);
  await clicked;
  return `${dialog.type()}: ${dialog.message()}`;
}

/** The list as a person reads it: name and id of each row. */
async function rows(page: Page) {
  return page.locator('[data-testid="scenario-list"] tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({ name: tr.querySelector('a')?.textContent ?? '', id: tr.querySelector('code')?.textContent ?? '' })).filter((r) => r.id),
  );
}

const row = (id: string) => `[data-testid="scenario-list"] tr:has(code:text-is("${id}"))`;

describe('the scenario list', () => {
  it('creates, renames, duplicates and deletes scenarios', async () => {
    // Dialogs are answered by each step below, not accepted blindly.
    const page = await h.newPage({ onDialog: async () => undefined });
    const refused: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) refused.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(h.baseUrl);
    await page.waitForSelector('[data-testid="scenario-list"]');
    expect(await rows(page)).toEqual([]);
    // The tab's icon is served (the browser asked for a missing /favicon.ico before, a 404 in every console).
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    const served = await page.request.get(new URL(icon!, h.baseUrl).href);
    expect([served.status(), served.headers()['content-type']]).toEqual([200, 'image/svg+xml']);
    expect(refused).toEqual([]);

    // Create: the name given becomes the id; the new scenario opens with its trigger.
    const asked = await clickAndAnswer(page, 'button:has-text("New scenario")', (d) => d.accept('Weekly churn review'));
    expect(asked).toBe('prompt: Name of the new scenario');
    await page.waitForURL('**/scenarios/weekly-churn-review');
    await waitForCanvas(page);
    expect(await page.locator('.scenario-name').textContent()).toBe('Weekly churn review');
    expect(await page.locator('.react-flow__node-step').count()).toBe(1);
    const created = await h.api<Stored>('GET', '/scenarios/weekly-churn-review');
    expect(created.scenario).toMatchObject({ name: 'Weekly churn review', nodes: [{ type: 'trigger.manual' }] });
    await page.click('button:has-text("← Scenarios")');
    await expect.poll(() => rows(page)).toEqual([{ name: 'Weekly churn review', id: 'weekly-churn-review' }]);

    // Rename: a new version with the new name, same id.
    await clickAndAnswer(page, `${row('weekly-churn-review')} button:has-text("Rename")`, (d) => d.accept('Weekly churn review (EU)'));
    await expect.poll(() => rows(page)).toEqual([{ name: 'Weekly churn review (EU)', id: 'weekly-churn-review' }]);
    const renamed = await h.api<Stored>('GET', '/scenarios/weekly-churn-review');
    expect(renamed.scenario.name).toBe('Weekly churn review (EU)');
    expect(renamed.version).toBe(created.version + 1);
    expect(renamed.scenario.nodes).toEqual(created.scenario.nodes);

    // Duplicate: a second scenario with the same graph.
    await page.click(`${row('weekly-churn-review')} button:has-text("Duplicate")`);
    await expect.poll(() => rows(page)).toHaveLength(2);
    const copy = (await rows(page)).find((r) => r.id !== 'weekly-churn-review')!;
    expect(copy).toEqual({ name: 'Weekly churn review (EU) (copy)', id: 'weekly-churn-review-copy' });
    const copied = await h.api<Stored>('GET', `/scenarios/${copy.id}`);
    expect(copied.scenario.name).toBe(copy.name);
    expect(copied.scenario.nodes).toEqual(renamed.scenario.nodes);
    expect(copied.scenario.edges).toEqual(renamed.scenario.edges);

    // Delete asks first; saying no keeps the scenario.
    const confirmation = await clickAndAnswer(page, `${row(copy.id)} button:has-text("Delete")`, (d) => d.dismiss());
    expect(confirmation).toBe(`confirm: Delete "${copy.name}" and its versions?`);
    await page.waitForTimeout(300);
    expect(await rows(page)).toHaveLength(2);
    await h.api('GET', `/scenarios/${copy.id}`);
    await h.screenshot(page, 'editor-scenario-list');

    await clickAndAnswer(page, `${row(copy.id)} button:has-text("Delete")`, (d) => d.accept());
    await expect.poll(() => rows(page)).toEqual([{ name: 'Weekly churn review (EU)', id: 'weekly-churn-review' }]);
    await expect(h.api('GET', `/scenarios/${copy.id}`)).rejects.toThrow(/→ 404/);
    await h.api('GET', '/scenarios/weekly-churn-review');
    expect(h.pageErrors).toEqual([]);
  });

  it('gives a duplicate its own webhook path, so the copy can be published beside the original', async () => {
    await h.api('POST', '/scenarios', {
      format: 'switchyard/scenario@1', id: 'signups', name: 'Signups',
      nodes: [{ id: 'hook', type: 'trigger.webhook', config: { path: 'segment/signups' }, position: { x: 0, y: 0 } }], edges: [],
    });
    await h.api('POST', '/scenarios/signups/publish', {});
    const page = await h.newPage();
    await page.goto(h.baseUrl);
    await page.click(`${row('signups')} button:has-text("Duplicate")`);
    await expect.poll(() => page.locator('[data-testid="list-message"]').textContent()).toBe(
      'Duplicated as signups-copy; its webhook listens on /hooks/segment/signups-copy (/hooks/segment/signups is another scenario\'s)',
    );
    const copy = await h.api<Stored & { scenario: { nodes: Array<{ config?: { path?: string } }> } }>('GET', '/scenarios/signups-copy');
    expect(copy.scenario.nodes[0].config?.path).toBe('segment/signups-copy');
    // Before, the copy kept segment/signups and publishing it was a 409.
    expect(await h.api<{ publishedVersion: number }>('POST', '/scenarios/signups-copy/publish', {})).toMatchObject({ publishedVersion: 1 });
    expect((await h.api<{ publishedVersion: number }>('GET', '/scenarios/signups')).publishedVersion).toBe(1);
    expect(h.pageErrors).toEqual([]);
  });
});
