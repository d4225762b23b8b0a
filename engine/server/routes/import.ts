/**
 * `POST /api/import`: the body is a Make blueprint, a Make-style text
 * diagram, a workflow record or a v1 scenario (any content type, read as
 * text); the answer is `{ scenario, notes, format }`. Nothing is stored: the
 * editor shows the result, and saving it is a normal `POST /api/scenarios`.
 */
import express, { Router } from 'express';
import { z } from 'zod';
import { detectFormat, importDocument } from '../../import/index';
import { ImportError } from '../../import/types';
import type { ServiceContext } from '../context';
import { ApiError, parseOr400 } from '../errors';

const importQuery = z.object({
  filename: z.string().max(300).optional(),
  id: z.string().max(200).optional(),
  timezone: z.string().max(100).optional(),
});

/**
 * @example app.use('/api/import', importRouter(ctx)); // before the JSON body parser
 */
export function importRouter(ctx: ServiceContext): Router {
  const router = Router();
  router.post('/', express.text({ type: () => true, limit: ctx.limits.apiBodyLimit }), async (req, res) => {
    const text = typeof req.body === 'string' ? req.body : '';
    if (!text.trim()) throw new ApiError(400, 'invalid_request', 'The body must be the text to import', [{ path: 'body', message: 'Empty' }]);
    const options = parseOr400(importQuery, req.query, 'query');
    try {
      const format = detectFormat(text);
      const result = await importDocument(text, { ...options, registry: ctx.registry });
      res.json({ format, ...result });
    } catch (error) {
      if (!(error instanceof ImportError)) throw error;
      const where = error.line !== undefined ? `line ${error.line}:${error.column ?? 1}` : (error.path ?? 'body');
      throw new ApiError(400, 'import_failed', error.message, [{ path: where, message: error.message }]);
    }
  });
  return router;
}
