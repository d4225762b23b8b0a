/**
 * Editor benchmark in headless Chromium: scenarios of 500 and 2,000 nodes —
 * time to the first interactive render, and frame times while panning the
 * canvas and dragging a node (at the readable zoom the editor opens with,
 * and zoomed out to the whole scenario). Not a test: numbers to read.
 *
 *   node --import tsx tests/bench/editor.ts [--sizes 500,2000] [--json]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { chromium, type Page } from 'playwright-core';
import { startService } from '../../engine/server/serve';
import { ensureEditorBuilt } from '../editor/support/build-editor';
import { CHROMIUM_ARGS } from '../editor/support/editor-harness';
import { fmt, quantile, table } from './stats';

/** A scenario of `size` nodes: a trigger, then rows of transforms and routers in groups of 50. */
export function generatedScenario(size: number) {
  const columns = 25;
  const nodes: Array<Record<string, unknown>> = [{ id: 'n0', type: 'trigger.manual', label: 'Start here', position: { x: 0, y: 0 } }];
  const edges: Array<Record<string, unknown>> = [];
  const groups: Array<Record<string, unknown>> = [];
  for (let i = 1; i < size; i++) {
    const row = Math.floor((i - 1) / columns), col = (i - 1) % columns;
    const group = `g${Math.floor((i - 1) / 50)}`;
    if (!groups.some((g) => g.id === group)) groups.push({ id: group, label: `Stage ${groups.length + 1}` });
    const router = i % 7 === 0;
    nodes.push({
      id: `n${i}`, type: router ? 'router' : 'transform', label: router ? `Branch ${i}?` : `Step ${i}`, group,
      position: { x: 300 + col * 260, y: row * 180 },
      config: router ? { subject: 'input.score' } : { expression: `$merge([input, { "step${i}": true }])` },
    });
    const from = col === 0 ? (row === 0 ? 'n0' : `n${i - columns}`) : `n${i - 1}`;
    const fromRouter = nodes.find((n) => n.id === from)?.type === 'router';
    edges.push({ from, to: `n${i}`, ...(fromRouter ? { label: '> 0.5' } : {}) });
  }
  return { format: 'switchyard/scenario@1', id: `bench-${size}`, name: `Benchmark ${size} nodes`, groups, nodes, edges };
}

/** Records requestAnimationFrame intervals while `act` runs; returns them in ms. */
async function frameTimes(page: Page, act: () => Promise<void>): Promise<number[]> {
  // A string, not a function: tsx's name-keeping helper (__name) does not exist in the page.
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__recording = true;
    let last = performance.now();
    const tick = (now) => { window.__frames.push(now - last); last = now; if (window.__recording) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  await act();
  return page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __recording: boolean };
    w.__recording = false;
    return w.__frames.slice(1);
  });
}

/**
 * Where a drag pans the canvas: the point nearest the pane's centre that
 * shows bare canvas. A drag that starts on a node or a group's frame moves
 * it (or nothing: React Flow does not pan from a draggable node) instead.
 */
async function bareCanvasPoint(page: Page): Promise<{ x: number; y: number }> {
  const pane = (await page.locator('.react-flow__pane').boundingBox())!;
  const point = await page.evaluate(`(() => {
    const pane = ${JSON.stringify(pane)};
    const cx = pane.x + pane.width / 2, cy = pane.y + pane.height / 2;
    for (let r = 0; r < Math.max(pane.width, pane.height) / 2; r += 8)
      for (let a = 0; a < 360; a += r ? Math.max(4, 360 / (r / 4)) : 360) {
        const x = cx + r * Math.cos((a * Math.PI) / 180), y = cy + r * Math.sin((a * Math.PI) / 180);
        if (document.elementFromPoint(x, y)?.classList.contains('react-flow__pane')) return { x, y };
      }
    return undefined;
  })()`);
  if (!point) throw new Error('No bare canvas to start a pan from');
  return point as { x: number; y: number };
}

/** Drags the canvas from `start` 300 px sideways (into the pane) and back, 150 px up and down; checks that it did move. */
async function pan(page: Page, start: { x: number; y: number }): Promise<void> {
  const { x: cx, y: cy } = start;
  const pane = (await page.locator('.react-flow__pane').boundingBox())!;
  const dx = cx - 300 >= pane.x ? -300 : 300;
  const viewport = () => page.locator('.react-flow__viewport').getAttribute('style');
  const before = await viewport();
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  for (let i = 0; i < 60; i++) await page.mouse.move(cx + dx * Math.sin((i / 60) * Math.PI), cy - 150 * Math.sin((i / 30) * Math.PI));
  await page.mouse.up();
  if ((await viewport()) === before) throw new Error('The pan did not move the canvas');
}

async function dragNode(page: Page): Promise<void> {
  const node = page.locator('.react-flow__node-step').nth(3);
  const box = (await node.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 0; i < 60; i++) await page.mouse.move(box.x + box.width / 2 + i * 3, box.y + box.height / 2 + Math.sin(i / 6) * 40);
  await page.mouse.up();
}

const summary = (frames: number[]) => ({ p50: quantile(frames, 0.5), p95: quantile(frames, 0.95), fps: frames.length ? 1000 / (frames.reduce((a, b) => a + b, 0) / frames.length) : 0 });

export interface EditorBenchRow {
  nodes: number;
  firstRenderMs: number;
  renderedNodes: number;
  panReadable: ReturnType<typeof summary>;
  dragReadable: ReturnType<typeof summary>;
  panZoomedOut: ReturnType<typeof summary>;
}

/** @example const rows = await benchEditor({ sizes: [500, 2000] }); */
export async function benchEditor(options: { sizes?: number[] } = {}): Promise<EditorBenchRow[]> {
  await ensureEditorBuilt();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-bench-editor-'));
  const service = await startService({ port: 0, host: '127.0.0.1', dataDir, examplesDir: false, logger: pino({ level: 'warn' }) });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const rows: EditorBenchRow[] = [];
  try {
    for (const size of options.sizes ?? [500, 2000]) {
      const doc = generatedScenario(size);
      const res = await fetch(`${service.url}/api/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
      if (!res.ok) throw new Error(`POST scenario of ${size} nodes: ${res.status} ${await res.text()}`);
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      // Warm the page and node types so the measurement is the canvas, not the first download.
      await page.goto(service.url);
      await page.waitForSelector('[data-testid="scenario-list"]');
      const started = Date.now();
      await page.goto(`${service.url}/scenarios/${doc.id}`);
      await page.waitForSelector('.react-flow__node-step');
      // Interactive: nodes are on screen and the main thread answers a frame.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const firstRenderMs = Date.now() - started;
      const renderedNodes = await page.locator('.react-flow__node-step').count();
      const readableStart = await bareCanvasPoint(page);
      const panReadable = summary(await frameTimes(page, () => pan(page, readableStart)));
      const dragReadable = summary(await frameTimes(page, () => dragNode(page)));
      await page.click('.react-flow__controls-fitview');
      // Let every node that came into view mount before measuring the pan itself.
      await page.waitForTimeout(1500);
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
      const zoomedOutStart = await bareCanvasPoint(page);
      const panZoomedOut = summary(await frameTimes(page, () => pan(page, zoomedOutStart)));
      rows.push({ nodes: size, firstRenderMs, renderedNodes, panReadable, dragReadable, panZoomedOut });
      await page.close();
    }
  } finally {
    await browser.close();
    await service.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  return rows;
}

/** Prints the rows as the benchmark's table. */
export function printEditor(rows: EditorBenchRow[]): void {
  console.log('\nEditor: time to first interactive render, frame times (ms) while panning and dragging\n');
  console.log(
    table(
      ['nodes', 'first render (ms)', 'nodes in DOM', 'pan p50/p95 (fps)', 'drag p50/p95 (fps)', 'pan zoomed out p50/p95 (fps)'],
      rows.map((r) => [
        r.nodes, fmt(r.firstRenderMs, 0), r.renderedNodes,
        `${fmt(r.panReadable.p50)}/${fmt(r.panReadable.p95)} (${fmt(r.panReadable.fps, 0)})`,
        `${fmt(r.dragReadable.p50)}/${fmt(r.dragReadable.p95)} (${fmt(r.dragReadable.fps, 0)})`,
        `${fmt(r.panZoomedOut.p50)}/${fmt(r.panZoomedOut.p95)} (${fmt(r.panZoomedOut.fps, 0)})`,
      ]),
    ),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { json: { type: 'boolean' }, sizes: { type: 'string' } } });
  const rows = await benchEditor({ sizes: values.sizes?.split(',').map(Number) });
  if (values.json) console.log(JSON.stringify(rows, null, 2));
  else printEditor(rows);
  process.exit(0);
}
