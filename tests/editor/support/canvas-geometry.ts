/**
 * Where things are drawn on the canvas, as a person sees them: node boxes
 * and edge labels in page pixels, for tests that check nothing covers
 * anything else, and how the view moves (a jump or an animation).
 */
import type { Page } from 'playwright-core';

export type Box = { left: number; top: number; right: number; bottom: number };

/** True when two boxes share more than a pixel's sliver. */
export const overlap = (a: Box, b: Box) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;

/** Every node drawn on the canvas, groups included, by id, in page pixels. */
export async function boxes(page: Page): Promise<Record<string, Box>> {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('.react-flow__node')].map((n) => {
        const r = n.getBoundingClientRect();
        return [n.getAttribute('data-id'), { left: r.left, top: r.top, right: r.right, bottom: r.bottom }];
      }),
    ),
  );
}

/**
 * Edge labels that cannot be read: each one drawn over a scenario node
 * ("page on n6") or over another label ("email on push"). Groups are
 * frames, not obstacles, so a label inside one is fine. Empty when every
 * label is readable; fails the test when no label is drawn at all.
 */
export async function edgeLabelClashes(page: Page): Promise<string[]> {
  const [nodes, labels] = await Promise.all([
    page.locator('.react-flow__node-step').evaluateAll((ns) => ns.map((n) => { const r = n.getBoundingClientRect(); return { id: n.getAttribute('data-id'), box: { left: r.left, top: r.top, right: r.right, bottom: r.bottom } }; })),
    page.locator('.edge-label').evaluateAll((ls) => ls.map((l) => { const r = l.getBoundingClientRect(); return { text: l.textContent, box: { left: r.left, top: r.top, right: r.right, bottom: r.bottom } }; })),
  ]);
  if (!labels.length) throw new Error('No edge label is drawn: nothing to check (zoomed too far out?)');
  return labels.flatMap((l, i) => [
    ...nodes.filter((n) => overlap(l.box, n.box)).map((n) => `${l.text} on ${n.id}`),
    ...labels.slice(i + 1).filter((o) => overlap(l.box, o.box)).map((o) => `${l.text} on ${o.text}`),
  ]);
}

type ViewportLog = { seen: string[]; changedAt: number; stop: boolean };

/**
 * Starts watching the viewport's transform frame by frame. `settled()` waits
 * until the view has kept still for 300 ms and returns every transform seen
 * since the watch began: two for a jump, many for an animation.
 *
 * @example const view = await watchViewport(page); await page.click('…'); const frames = await view.settled();
 */
export async function watchViewport(page: Page): Promise<{ settled(): Promise<string[]> }> {
  await page.evaluate(() => {
    const viewport = document.querySelector<HTMLElement>('.react-flow__viewport')!;
    const log: ViewportLog = { seen: [], changedAt: performance.now(), stop: false };
    (window as unknown as { viewportLog: ViewportLog }).viewportLog = log;
    const frame = () => {
      if (viewport.style.transform !== log.seen.at(-1)) { log.seen.push(viewport.style.transform); log.changedAt = performance.now(); }
      if (!log.stop) requestAnimationFrame(frame);
    };
    frame();
  });
  return {
    async settled() {
      // Still for 300 ms from now at the earliest: an animation may start on the next frame.
      const since = await page.evaluate(() => performance.now());
      await page.waitForFunction((t) => performance.now() - Math.max(t, (window as unknown as { viewportLog: ViewportLog }).viewportLog.changedAt) > 300, since);
      return page.evaluate(() => { const log = (window as unknown as { viewportLog: ViewportLog }).viewportLog; log.stop = true; return log.seen; });
    },
  };
}

/** The zoom of a viewport transform (`translate(…) scale(0.55)`). */
export const zoomOf = (transform: string) => Number(/scale\(([\d.]+)\)/.exec(transform)?.[1]);
