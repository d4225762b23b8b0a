/**
 * Custom node types from folders (`SWITCHYARD_NODES`): each `.ts`, `.js` or
 * `.mjs` file default-exports a `defineNode(...)` result. Kept apart from the
 * registry because it needs the file system: the editor builds the same
 * `NodeRegistry` in the browser.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NodeRegistry } from './registry';
import type { NodeType } from './sdk';

/**
 * Imports every node file directly in `folder` into `registry`; each must
 * default-export a `defineNode(...)` result (or an array of them). Files
 * reached through a symlink that leads outside the folder are refused.
 * Returns the node types loaded.
 *
 * @example await loadNodeFolder(registry, './my-nodes') // → ['acme.greet']
 */
export async function loadNodeFolder(registry: NodeRegistry, folder: string): Promise<string[]> {
  const root = await realpath(path.resolve(folder));
  const loaded: string[] = [];
  for (const entry of (await readdir(root)).sort()) {
    if (!/\.(ts|js|mjs)$/.test(entry) || entry.endsWith('.d.ts') || /\.test\./.test(entry)) continue;
    const file = await realpath(path.join(root, entry));
    if (path.relative(root, file).startsWith('..') || path.isAbsolute(path.relative(root, file))) {
      throw new Error(`Custom node file ${entry} points outside ${root}`);
    }
    if (!(await stat(file)).isFile()) continue;
    const mod = await import(pathToFileURL(file).href);
    const exported = mod.default ?? mod.node;
    const list = Array.isArray(exported) ? exported : [exported];
    for (const candidate of list) {
      if (!candidate || typeof candidate.run !== 'function' || typeof candidate.type !== 'string' || !candidate.fieldKinds) {
        throw new Error(`${file}: the default export must be defineNode({...}) (or an array of them)`);
      }
      registry.register(candidate as NodeType);
      loaded.push(candidate.type);
    }
  }
  return loaded;
}

/**
 * Loads every folder of a `SWITCHYARD_NODES`-style list (comma or path-delimiter separated).
 *
 * @example await loadNodeFolders(registry, process.env.SWITCHYARD_NODES)
 */
export async function loadNodeFolders(registry: NodeRegistry, list: string | undefined): Promise<string[]> {
  if (!list) return [];
  const loaded: string[] = [];
  for (const folder of list.split(/[,:]/).map((s) => s.trim()).filter(Boolean)) {
    loaded.push(...(await loadNodeFolder(registry, folder)));
  }
  return loaded;
}
