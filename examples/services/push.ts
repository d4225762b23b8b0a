/**
 * Stand-in for a push notification provider: `POST /send` with
 * `Authorization: Bearer <key>` and `{ to, title, body, data? }` →
 * `{ id, status: 'accepted', to }`; 400 naming the missing field; 401 on a wrong key.
 */
import express, { type Router } from 'express';
import { ServiceRecorder } from './recorder';

export interface PushServiceOptions {
  /** The bearer key the stand-in accepts. Default `push-test-key`. */
  apiKey?: string;
}

/**
 * @example app.use('/push', createPushService().router)
 */
export function createPushService(options: PushServiceOptions = {}): { router: Router; recorder: ServiceRecorder; apiKey: string } {
  const apiKey = options.apiKey ?? 'push-test-key';
  const recorder = new ServiceRecorder();
  const router = express.Router();
  let sent = 0;
  router.use(express.json({ limit: '256kb' }));
  router.use(recorder.middleware());
  router.use((req, res, next) => {
    if (req.headers.authorization === `Bearer ${apiKey}`) return next();
    res.status(401).json({ error: 'unauthorized: unknown or missing bearer key' });
  });
  router.post('/send', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    for (const field of ['to', 'title', 'body']) {
      if (typeof body[field] !== 'string' || body[field] === '') {
        return void res.status(400).json({ error: `"${field}" is required (a non-empty string)`, field });
      }
    }
    if (body.data !== undefined && (typeof body.data !== 'object' || body.data === null || Array.isArray(body.data))) {
      return void res.status(400).json({ error: '"data" must be an object', field: 'data' });
    }
    res.json({ id: `push-${++sent}`, status: 'accepted', to: body.to });
  });
  router.use((error: Error & { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(error.status ?? 400).json({ error: `Malformed request: ${error.message}` });
  });
  return { router, recorder, apiKey };
}
