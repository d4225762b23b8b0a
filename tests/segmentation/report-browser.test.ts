/**
 * The segmentation report as a reviewer sees it: the HTML that a finished
 * run's `report.render` step produced, opened in headless Chromium. Saves
 * full-page screenshots to tests/artifacts/segmentation-report-*.png for a
 * person to look at.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputOf, reviewRun, startSegmentationRig, type SegmentationRig } from './example-run';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts');

const EXAMPLES = [
  { name: 'explainable', scenarioId: 'explainable-segmentation', reviews: [{ nodeId: 'review', by: 'marketing-lead', decision: 'approved' as const }], segmentations: ['rfm', 'rules', 'clusters'] },
  {
    name: 'quarterly-review',
    scenarioId: 'customer-segmentation-review',
    reviews: ['reviewDataScientist', 'reviewPlanner', 'reviewEngineering'].map((nodeId, i) => ({ nodeId, by: ['data-scientist', 'planner', 'engineering-manager'][i], decision: 'approved' as const })),
    segmentations: ['clusters'],
  },
];

describe('the segmentation report in headless Chromium', () => {
  let rig: SegmentationRig;
  let browser: Browser;
  beforeAll(async () => {
    rig = await startSegmentationRig('memory');
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    await mkdir(ARTIFACTS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await rig?.close();
  });

  for (const example of EXAMPLES) {
    it(`${example.scenarioId}: the three sections and their SVG charts are visible and legible`, async () => {
      const { final } = await reviewRun(rig.engine, example.scenarioId, example.reviews);
      expect(final.status).toBe('succeeded');
      const report = outputOf<{ title: string; html: string }>(final, 'report');

      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.setContent(report.html, { waitUntil: 'load' });
      // Taken before the checks, so a failing layout can be looked at.
      await page.screenshot({ path: path.join(ARTIFACTS, `segmentation-report-${example.name}.png`), fullPage: true });

      expect(await page.title()).toBe(report.title);
      const sections = [
        ['refresh', 'Segmentation refresh report'],
        ['personas', 'Persona alignment assessment'],
        ['performance', 'Segment performance comparison'],
      ];
      for (const [id, heading] of sections) {
        await expect(page.locator(`section#${id} > h2`).textContent()).resolves.toBe(heading);
        expect(await page.locator(`section#${id}`).isVisible()).toBe(true);
      }
      // Every segmentation is described in the refresh report and compared in the performance section.
      for (const name of example.segmentations) {
        expect(await page.locator('section#refresh h3', { hasText: name }).count()).toBe(1);
        expect(await page.locator('section#performance h3', { hasText: `${name}:` }).count()).toBe(1);
      }

      const charts = page.locator('svg[role="img"]');
      // Per segmentation: members in the refresh report; drift, churn and lift in the comparison.
      expect(await charts.count()).toBe(example.segmentations.length * 4);
      for (const chart of await charts.all()) {
        expect(await chart.isVisible()).toBe(true);
        const box = (await chart.boundingBox())!;
        expect(box.width).toBeGreaterThan(300);
        expect(box.height).toBeGreaterThan(40);
        expect(await chart.locator('rect').count()).toBeGreaterThan(0);
      }
      // Legibility: no chart text is cut off at the chart's edges, and nothing makes the page scroll sideways.
      const clipped = await page.evaluate(() =>
        [...document.querySelectorAll('svg[role="img"]')].flatMap((svg) => {
          const width = (svg as SVGSVGElement).viewBox.baseVal.width;
          return [...svg.querySelectorAll('text')]
            .map((t) => ({ text: t.textContent, box: t.getBBox() }))
            .filter(({ box }) => box.x < -0.5 || box.x + box.width > width + 0.5)
            .map(({ text }) => `${svg.getAttribute('aria-label')}: "${text}"`);
        }),
      );
      expect(clipped).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
      // Self-contained: nothing is fetched and no script runs.
      expect(requests.filter((u) => !u.startsWith('about:') && !u.startsWith('data:'))).toEqual([]);
      expect(await page.locator('script').count()).toBe(0);
      expect(pageErrors).toEqual([]);

      await page.close();
    }, 120_000);
  }
});
