/**
 * The editor against a server guarded by `SWITCHYARD_API_TOKEN`, with the
 * token stored in the browser as docs/editor.md says: it lists, opens and
 * runs a scenario, and follows the run over its live event stream. The
 * stream is an `EventSource`, which cannot send the Authorization header;
 * before, the guarded server answered it 401 and the editor fell back to
 * asking for the run once a second.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEditorHarness, waitForCanvas, type EditorHarness } from './support/editor-harness';

const TOKEN = 'editor-guard-7f3a9c';
let h: EditorHarness;
beforeAll(async () => {
  h = await startEditorHarness({ apiToken: TOKEN });
});
afterAll(() => h?.close());

describe('the editor on a token-guarded server', () => {
  it('follows a run over its event stream, the token sent as access_token', async () => {
    // The guard is on: without the token the API refuses.
    expect((await fetch(`${h.baseUrl}/api/scenarios`)).status).toBe(401);
    await h.api('POST', '/scenarios', {
      format: 'switchyard/scenario@1', id: 'guarded', name: 'Guarded',
      nodes: [
        { id: 't', type: 'trigger.manual', position: { x: 0, y: 0 } },
        { id: 'greet', type: 'transform', position: { x: 260, y: 0 }, config: { expression: '{ "hello": input.name }' } },
      ],
      edges: [{ from: 't', to: 'greet' }],
    });

    const page = await h.newPage();
    const answers: Array<{ path: string; status: number }> = [];
    page.on('response', (r) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/api/')) answers.push({ path: url.pathname, status: r.status() });
    });
    await page.goto(`${h.baseUrl}/scenarios/guarded`);
    await waitForCanvas(page);
    await page.click('[data-testid="tab-runs"]');
    await page.fill('#run-input', '{ "name": "Ada" }');
    const started = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/scenarios/guarded/runs');
    await page.click('[data-testid="run-once"]');
    const { runId } = (await (await started).json()) as { runId: string };
    await page.waitForFunction(() => document.querySelector('[data-testid="run-status"]')?.textContent === 'succeeded', null, { timeout: 20_000 });

    expect(answers.filter((a) => a.status >= 400)).toEqual([]);
    expect(answers).toContainEqual({ path: `/api/runs/${runId}/events`, status: 200 });
    const run = await h.api<{ steps: Array<{ nodeId: string; output: unknown }> }>('GET', `/runs/${runId}`);
    expect(run.steps.at(-1)).toMatchObject({ nodeId: 'greet', output: { hello: 'Ada' } });
    expect(h.pageErrors).toEqual([]);
  });
});
