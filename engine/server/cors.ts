/**
 * CORS is closed by default: the editor is served from the same origin.
 * `SWITCHYARD_CORS_ORIGINS` (comma-separated origins, or `*`) opens the API
 * to the listed browser origins.
 */
import type { RequestHandler } from 'express';

/**
 * @example app.use(cors(['https://ops.example.com']));
 */
export function cors(origins: string[]): RequestHandler {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.get('origin');
    if (!origin || (!any && !allowed.has(origin))) return next();
    res.set('Access-Control-Allow-Origin', any ? '*' : origin);
    res.vary('Origin');
    if (req.method === 'OPTIONS') {
      res.set('Access-Control-Allow-Methods', 'GET,POST,PUT,DELETE,OPTIONS');
      res.set('Access-Control-Allow-Headers', req.get('access-control-request-headers') ?? 'Authorization, Content-Type');
      res.set('Access-Control-Max-Age', '600');
      return res.status(204).end();
    }
    next();
  };
}
