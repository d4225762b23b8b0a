/**
 * Stand-in for the account back office the account-deletion example calls:
 *
 * - `POST /feedback/cancellations` `{ userId, reason, comment? }` → 201 `{ id }`.
 * - `POST /billing/retention-offers` `{ userId, plan, discountPercent, months }` → 201 `{ offerId, code, discountPercent, months, expiresAt }`.
 * - `DELETE /billing/subscriptions/:userId` → `{ userId, status: 'canceled', canceledAt }`.
 * - `DELETE /data/:system/users/:userId` → `{ system, userId, cleaned: true, recordsDeleted }`;
 *   the system named in {@link UNAVAILABLE_SYSTEM} always answers 503, so a
 *   cleanup step there exhausts its retries (the example resumes past it).
 */
import express, { type Router } from 'express';
import { ServiceRecorder } from '../recorder';

/** The data system the stand-in keeps down. */
export const UNAVAILABLE_SYSTEM = 'legacy-warehouse';

/**
 * @example app.use('/accounts', createAccountsService().router)
 */
export function createAccountsService(): { router: Router; recorder: ServiceRecorder } {
  const recorder = new ServiceRecorder();
  const router = express.Router();
  let feedback = 0;
  let offers = 0;
  router.use(express.json({ limit: '256kb' }));
  router.use(recorder.middleware());
  router.post('/feedback/cancellations', (req, res) => {
    const { userId, reason } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof userId !== 'string' || !userId) return void res.status(400).json({ error: 'userId is required', field: 'userId' });
    if (typeof reason !== 'string' || !reason) return void res.status(400).json({ error: 'reason is required', field: 'reason' });
    res.status(201).json({ id: `feedback-${++feedback}` });
  });
  router.post('/billing/retention-offers', (req, res) => {
    const { userId, discountPercent, months } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof userId !== 'string' || !userId) return void res.status(400).json({ error: 'userId is required', field: 'userId' });
    if (typeof discountPercent !== 'number' || discountPercent <= 0 || discountPercent >= 100) {
      return void res.status(400).json({ error: 'discountPercent must be between 0 and 100', field: 'discountPercent' });
    }
    const n = ++offers;
    res.status(201).json({
      offerId: `offer-${n}`,
      code: `STAY${discountPercent}-${n}`,
      discountPercent,
      months: typeof months === 'number' ? months : 3,
      expiresAt: new Date(Date.now() + 14 * 86_400_000).toISOString(),
    });
  });
  router.delete('/billing/subscriptions/:userId', (req, res) => {
    res.json({ userId: req.params.userId, status: 'canceled', canceledAt: new Date().toISOString() });
  });
  router.delete('/data/:system/users/:userId', (req, res) => {
    const { system, userId } = req.params;
    if (system === UNAVAILABLE_SYSTEM) return void res.status(503).json({ error: `${system} is unavailable` });
    res.json({ system, userId, cleaned: true, recordsDeleted: (userId.length * 7 + system.length) % 40 + 1 });
  });
  return { router, recorder };
}
