/**
 * Builds the editor (`vite build` → dist/editor) when a source file is newer
 * than the last build, once across parallel test files (a directory lock).
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../../..');
const index = path.join(root, 'dist/editor/index.html');
const lock = path.join(root, 'dist/.editor-build.lock');

async function newest(dir: string): Promise<number> {
  let latest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? await newest(full) : (await stat(full)).mtimeMs);
  }
  return latest;
}

async function stale(): Promise<boolean> {
  const built = await stat(index).then((s) => s.mtimeMs, () => 0);
  const sources = Math.max(await newest(path.join(root, 'editor')), await newest(path.join(root, 'engine/scenario')), await newest(path.join(root, 'engine/expression')));
  return sources > built;
}

/** @example await ensureEditorBuilt(); // then serve dist/editor */
export async function ensureEditorBuilt(): Promise<void> {
  if (!(await stale())) return;
  await mkdir(path.dirname(lock), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      await mkdir(lock);
      break;
    } catch {
      if (i > 600) throw new Error(`Editor build lock ${lock} held for 2 minutes; remove it if no build runs`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (!(await stale())) return;
    const { build } = await import('vite');
    // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ configFile: path.join(root, 'vite.config.ts'), root: path.join(root, 'editor'), mode: 'production', logLevel: 'warn' });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
