/**
 * Everything a browser test of the editor needs: the editor build, the real
 * Switchyard service on a free port with a throw-away data folder, the
 * system's Chromium, and small helpers to talk to the API and save
 * screenshots for a person to look at.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type Dialog, type Page } from 'playwright-core';
import { ensureEditorBuilt } from './build-editor';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const artifacts = path.resolve(import.meta.dirname, '../../artifacts');

export interface EditorHarness {
  baseUrl: string;
  browser: Browser;
  /**
   * A fresh page (1440×900) that fails the test on uncaught page errors.
   * Dialogs (confirm, prompt) are accepted as they come unless `onDialog` answers them.
   */
  newPage(options?: { onDialog?: (dialog: Dialog) => Promise<void> }): Promise<Page>;
  /** Calls the API; throws with the server's message on an error status. */
  api<T = unknown>(method: string, route: string, body?: unknown): Promise<T>;
  /** Saves a screenshot to tests/artifacts/<name>.png. */
  screenshot(page: Page, name: string): Promise<void>;
  /** Errors thrown in any page so far. */
  pageErrors: string[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Extra environment for the service (e.g. `SWITCHYARD_ALLOW_HOSTS` for the stand-ins). */
  env?: Record<string, string>;
  /** Load the example scenarios into the empty store (default none). */
  examplesDir?: string;
  /**
   * Guard the API with this token (`SWITCHYARD_API_TOKEN`): `api()` sends it, and every page holds it
   * where the editor reads it (`localStorage['switchyard.token']`), as docs/editor.md tells a user to.
   */
  apiToken?: string;
}

/** @example const h = await startEditorHarness(); const page = await h.newPage(); await page.goto(h.baseUrl); */
export async function startEditorHarness(options: HarnessOptions = {}): Promise<EditorHarness> {
  for (const [k, v] of Object.entries(options.env ?? {})) process.env[k] = v;
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-editor-'));
  // SWITCHYARD_TEST_BASE_URL points the tests at a server already running (debugging with `npm run dev`).
  let service: { close(): Promise<void> } | undefined;
  let baseUrl = process.env.SWITCHYARD_TEST_BASE_URL;
  if (!baseUrl) {
    await ensureEditorBuilt();
    const { startService } = await import('../../../engine/server/serve');
    const started = await startService({ port: 0, host: '127.0.0.1', dataDir, examplesDir: options.examplesDir ?? false, logger: pino({ level: 'warn' }), ...(options.apiToken ? { apiToken: options.apiToken } : {}) });
    service = started;
    baseUrl = started.url;
  }
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const pageErrors: string[] = [];
  await mkdir(artifacts, { recursive: true });
  return {
    baseUrl,
    browser,
    pageErrors,
    async newPage({ onDialog = (d: Dialog) => d.accept() } = {}) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      page.on('pageerror', (e) => pageErrors.push(e.message));
      page.on('dialog', (d) => void onDialog(d));
      if (options.apiToken) await page.addInitScript((token) => localStorage.setItem('switchyard.token', token), options.apiToken);
      return page;
    },
    async api<T>(method: string, route: string, body?: unknown): Promise<T> {
      const res = await fetch(`${baseUrl}/api${route}`, {
        method,
        headers: {
          ...(options.apiToken ? { authorization: `Bearer ${options.apiToken}` } : {}),
          ...(body === undefined ? {} : { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' }),
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${route} → ${res.status}: ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async screenshot(page, name) {
      await page.screenshot({ path: path.join(artifacts, `${name}.png`) });
    },
    async close() {
      await browser.close().catch(() => undefined);
      await service?.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until the canvas shows nodes and React Flow has measured them. */
export async function waitForCanvas(page: Page): Promise<void> {
  await page.waitForSelector('.react-flow__node-step');
  await page.waitForFunction(() => [...document.querySelectorAll('.react-flow__node')].every((n) => (n as HTMLElement).style.visibility !== 'hidden'));
}

/** Finds a node type with the palette's search, then drags it to a point of the page with real pointer events. */
export async function dragFromPalette(page: Page, type: string, to: { x: number; y: number }): Promise<void> {
  await page.fill('.palette .search', type);
  const item = page.locator(`.palette-item[data-type="${type}"]`);
  await item.scrollIntoViewIfNeeded();
  const box = (await item.boundingBox())!;
  await page.mouse.move(box.x + 20, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 80, box.y + 40, { steps: 5 });
  await page.mouse.move(to.x, to.y, { steps: 10 });
  await page.mouse.up();
  await page.fill('.palette .search', '');
}

/** Drags from one handle to another (connects two nodes). */
export async function connectHandles(page: Page, from: { node: string; handle: string }, to: { node: string; handle: string }): Promise<void> {
  const source = (await page.locator(`.react-flow__node[data-id="${from.node}"] .react-flow__handle.source[data-handleid="${from.handle}"]`).boundingBox())!;
  const target = (await page.locator(`.react-flow__node[data-id="${to.node}"] .react-flow__handle.target[data-handleid="${to.handle}"]`).boundingBox())!;
  await page.hover(`.react-flow__node[data-id="${from.node}"]`);
  await page.mouse.move(source.x + source.width / 2, source.y + source.height / 2);
  await page.mouse.down();
  await page.mouse.move(target.x + target.width / 2 - 20, target.y + target.height / 2, { steps: 8 });
  await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 4 });
  await page.mouse.up();
}
