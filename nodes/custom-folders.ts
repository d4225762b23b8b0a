/**
 * Custom node types from folders (`SWITCHYARD_NODES`): each `.ts`, `.js` or
 * `.mjs` file default-exports a `defineNode(...)` result. Kept apart from the
 * registry because it needs the file system: the editor builds the same
 * `NodeRegistry` in the browser.
 */
import { register } from 'node:module';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NodeRegistry } from './registry';
import type { NodeType } from './sdk';

/** A node folder or file that cannot be used; the message names it and says why. */
export class NodeFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'NodeFileError';
  }
}

export interface NodeFolderOptions {
  /**
   * Called with each file (or folder) that cannot be loaded, which is then
   * skipped; without it, the first one throws. One-off commands pass it so a
   * broken file does not stop work that does not need it.
   */
  onBrokenFile?: (error: NodeFileError) => void;
}

const hookedFolders = new Set<string>();

/** Makes node files in `root` load as ES modules that import this Switchyard's SDK (`node-file-hooks.mjs`). */
function hookFolder(root: string): void {
  if (hookedFolders.has(root)) return;
  hookedFolders.add(root);
  register('./node-file-hooks.mjs', import.meta.url, {
    data: { folder: pathToFileURL(root + path.sep).href, self: new URL('../package.json', import.meta.url).href },
  });
}

/** One line: loaders' messages (esbuild's among them) run over several. */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').map((line) => line.trim()).filter(Boolean).join(' ');
}

async function loadNodeFile(registry: NodeRegistry, file: string): Promise<string[]> {
  let mod: { default?: unknown; node?: unknown };
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (error) {
    throw new NodeFileError(file, `Custom node file ${file} could not be loaded: ${oneLine(error)}`);
  }
  const exported = mod.default ?? mod.node;
  const list = Array.isArray(exported) ? exported : [exported];
  const loaded: string[] = [];
  for (const candidate of list) {
    if (!candidate || typeof candidate.run !== 'function' || typeof candidate.type !== 'string' || !candidate.fieldKinds) {
      throw new NodeFileError(file, `Custom node file ${file}: the default export must be defineNode({...}) (or an array of them)`);
    }
    try {
      registry.register(candidate as NodeType);
    } catch (error) {
      throw new NodeFileError(file, `Custom node file ${file}: ${oneLine(error)}`);
    }
    loaded.push(candidate.type);
  }
  return loaded;
}

/**
 * Imports every node file directly in `folder` into `registry`; each must
 * default-export a `defineNode(...)` result (or an array of them). Files
 * reached through a symlink that leads outside the folder are refused.
 * Returns the node types loaded.
 *
 * @example await loadNodeFolder(registry, './my-nodes') // → ['acme.greet']
 */
export async function loadNodeFolder(registry: NodeRegistry, folder: string, options: NodeFolderOptions = {}): Promise<string[]> {
  const report = (error: NodeFileError) => {
    if (!options.onBrokenFile) throw error;
    options.onBrokenFile(error);
  };
  let root: string;
  let entries: string[];
  try {
    root = await realpath(path.resolve(folder));
    entries = (await readdir(root)).sort();
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read: ${oneLine(error)}`;
    report(new NodeFileError(folder, `Custom node folder ${path.resolve(folder)} (SWITCHYARD_NODES) ${why}`));
    return [];
  }
  hookFolder(root);
  const loaded: string[] = [];
  for (const entry of entries) {
    if (!/\.(ts|js|mjs)$/.test(entry) || entry.endsWith('.d.ts') || /\.test\./.test(entry)) continue;
    try {
      const file = await realpath(path.join(root, entry));
      if (path.relative(root, file).startsWith('..') || path.isAbsolute(path.relative(root, file))) {
        throw new NodeFileError(file, `Custom node file ${entry} points outside ${root}`);
      }
      if (!(await stat(file)).isFile()) continue;
      loaded.push(...(await loadNodeFile(registry, file)));
    } catch (error) {
      report(error instanceof NodeFileError ? error : new NodeFileError(entry, `Custom node file ${path.join(root, entry)}: ${oneLine(error)}`));
    }
  }
  return loaded;
}

/**
 * Loads every folder of a `SWITCHYARD_NODES`-style list (comma or path-delimiter separated).
 *
 * @example await loadNodeFolders(registry, process.env.SWITCHYARD_NODES)
 */
export async function loadNodeFolders(registry: NodeRegistry, list: string | undefined, options: NodeFolderOptions = {}): Promise<string[]> {
  if (!list) return [];
  const loaded: string[] = [];
  for (const folder of list.split(/[,:]/).map((s) => s.trim()).filter(Boolean)) {
    loaded.push(...(await loadNodeFolder(registry, folder, options)));
  }
  return loaded;
}
