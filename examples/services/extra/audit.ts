/**
 * Stand-in for an append-only audit log: `POST /events` `{ action, actor, target, details? }`
 * → 201 `{ id, at }`. Used by the api-key-rotation and billing-dispute examples.
 */
import express, { type Router } from 'express';
import { ServiceRecorder } from '../recorder';

/**
 * @example app.use('/audit', createAuditService().router)
 */
export function createAuditService(): { router: Router; recorder: ServiceRecorder } {
  const recorder = new ServiceRecorder();
  const router = express.Router();
  let n = 0;
  router.use(express.json({ limit: '256kb' }));
  router.use(recorder.middleware());
  router.post('/events', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    for (const field of ['action', 'actor', 'target']) {
      if (typeof body[field] !== 'string' || !body[field]) return void res.status(400).json({ error: `${field} is required`, field });
    }
    res.status(201).json({ id: `audit-${++n}`, at: new Date().toISOString() });
  });
  return { router, recorder };
}
