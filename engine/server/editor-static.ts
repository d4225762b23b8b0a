/**
 * Serves the editor's Vite build (`dist/editor`): its files as they are,
 * and `index.html` for `/` and `/scenarios/*` so the editor's client-side
 * routes survive a reload.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

/**
 * Undefined when the editor was not built (the API still works; `npm start` builds it first).
 * @example const editor = editorRouter('dist/editor'); if (editor) app.use(editor);
 */
export function editorRouter(dir: string): Router | undefined {
  const root = path.resolve(dir);
  const index = path.join(root, 'index.html');
  if (!existsSync(index)) return undefined;
  const router = Router();
  // Hashed assets never change under the same name; index.html must always be fresh.
  router.use('/assets', express.static(path.join(root, 'assets'), { immutable: true, maxAge: '1y', fallthrough: false }));
  router.use(express.static(root, { index: false, maxAge: 0 }));
  router.get(['/', '/scenarios', '/scenarios/*rest', '/runs', '/runs/*rest'], (_req, res) => {
    res.set('Cache-Control', 'no-cache').sendFile(index);
  });
  return router;
}
