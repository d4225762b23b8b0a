/**
 * Node.js module hooks for custom node files, registered by `custom-folders.ts`
 * once per `SWITCHYARD_NODES` folder. A node file is copied into any folder —
 * often one with no package.json and no node_modules — so, for files in that
 * folder (its own node_modules aside):
 *
 * - `switchyard` and `switchyard/…` resolve to the Switchyard that is loading
 *   them, through its package.json "exports" (a self-reference), instead of a
 *   `node_modules/switchyard` that is usually absent, or another copy whose
 *   zod and SDK would not be the engine's;
 * - `.ts` and `.js` files load as ES modules, as the SDK's examples are written.
 *   Left to Node's rule, a folder without `"type": "module"` makes them
 *   CommonJS, and their `import` lines fail (ERR_REQUIRE_CYCLE_MODULE on Node 20).
 *
 * Plain JavaScript: hooks run on Node's loader thread, which may not load TypeScript.
 */
import { URL } from 'node:url';

/** file: URL of the node folder, ending in "/". */
let folder = '';
/** file: URL of Switchyard's package.json: resolving from it reaches the package's own "exports". */
let self = '';

/** @param {{ folder: string, self: string }} data */
export function initialize(data) {
  folder = data.folder;
  self = data.self;
}

/** @param {string | undefined} url */
function inFolder(url) {
  // The folder itself may sit in a node_modules (a published package of nodes); its own dependencies keep Node's rules.
  return Boolean(url && url.startsWith(folder) && !url.slice(folder.length).includes('node_modules/'));
}

/**
 * @param {string} specifier
 * @param {{ parentURL?: string }} context
 * @param {(specifier: string, context?: object) => Promise<{ url: string, format?: string | null }>} nextResolve
 */
export async function resolve(specifier, context, nextResolve) {
  if (inFolder(context.parentURL) && (specifier === 'switchyard' || specifier.startsWith('switchyard/'))) {
    return nextResolve(specifier, { ...context, parentURL: self });
  }
  const resolved = await nextResolve(specifier, context);
  if (inFolder(resolved.url) && /\.(ts|js)$/.test(new URL(resolved.url).pathname)) return { ...resolved, format: 'module' };
  return resolved;
}
