/**
 * Stand-in for the ML recommendation API the User Segmentation scenario
 * calls (`POST /predict`). Answers are deterministic so a test can tell in
 * advance which confidence branch a user takes:
 *
 * **confidence = 0.5 + 0.05 × (the last digit in the userId)**, or 0.5 when
 * the id has no digit. So `user-9` → 0.95 and `user-8` → 0.9 (personalized,
 * > 0.7), `user-4` → 0.7 and `user-1` → 0.55 (default, <= 0.7).
 */
import express, { type Router } from 'express';
import { ServiceRecorder } from './recorder';

const CATALOG = [
  { id: 'sku-100', title: 'Trail running shoes' },
  { id: 'sku-101', title: 'Merino base layer' },
  { id: 'sku-102', title: 'Insulated bottle' },
  { id: 'sku-103', title: 'Headlamp 400 lm' },
  { id: 'sku-104', title: 'Ultralight tent' },
  { id: 'sku-105', title: 'Rain shell' },
  { id: 'sku-106', title: 'Camp stove' },
  { id: 'sku-107', title: 'Trekking poles' },
];

/**
 * The confidence the stand-in gives a user (see the module comment for the rule).
 *
 * @example mlConfidence('user-8') // → 0.9
 */
export function mlConfidence(userId: string): number {
  const digits = userId.match(/\d/g);
  const last = digits ? Number(digits[digits.length - 1]) : 0;
  return Math.round((0.5 + 0.05 * last) * 100) / 100;
}

/**
 * The ML stand-in: `POST /predict` `{ userId, eventType, … }` →
 * `{ userId, eventType, recommendations: [{ id, title, score }], confidence, model }`.
 *
 * @example app.use('/ml', createMlService().router)
 */
export function createMlService(): { router: Router; recorder: ServiceRecorder } {
  const recorder = new ServiceRecorder();
  const router = express.Router();
  router.use(express.json({ limit: '1mb' }));
  router.use(recorder.middleware());
  router.post('/predict', (req, res) => {
    const { userId, eventType } = (req.body ?? {}) as { userId?: unknown; eventType?: unknown };
    if (typeof userId !== 'string' || userId === '') {
      return void res.status(400).json({ error: 'userId is required (a non-empty string)', field: 'userId' });
    }
    const confidence = mlConfidence(userId);
    // Rotate the catalog by a stable hash of the user so different users see different picks.
    const offset = [...userId].reduce((sum, c) => sum + c.charCodeAt(0), 0) % CATALOG.length;
    const recommendations = [0, 1, 2].map((i) => ({
      ...CATALOG[(offset + i) % CATALOG.length],
      score: Math.round((confidence - i * 0.1) * 100) / 100,
    }));
    res.json({ userId, eventType: typeof eventType === 'string' ? eventType : null, recommendations, confidence, model: 'stand-in-recommender-v1' });
  });
  router.use((error: Error & { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(error.status ?? 400).json({ error: `Malformed request: ${error.message}` });
  });
  return { router, recorder };
}
