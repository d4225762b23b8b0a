/**
 * The editor's first download: the validator and zod load only in the
 * validation worker (or on demand without Worker support), so the main
 * bundle a person waits for stays without them. One import of a helper from
 * `validate.ts` into the canvas code once put them back in (700 KB instead
 * of ≈ 560 KB), and nothing noticed.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureEditorBuilt } from './support/build-editor';

const dist = path.resolve(import.meta.dirname, '../../dist/editor');

beforeAll(() => ensureEditorBuilt(), 240_000);

describe("the editor's main bundle", () => {
  it('leaves the validator and zod to their own chunks', async () => {
    const html = await readFile(path.join(dist, 'index.html'), 'utf8');
    const entry = /<script type="module"[^>]*src="\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(entry).toBeDefined();
    const main = await readFile(path.join(dist, entry!), 'utf8');
    // A problem code only the validator has, and zod's own error class (booleans: the bundle is too long to print).
    expect({ validator: main.includes('duplicate-edge'), zod: main.includes('ZodError') }).toEqual({ validator: false, zod: false });
    expect(main.length).toBeLessThan(650_000);
  });
});
