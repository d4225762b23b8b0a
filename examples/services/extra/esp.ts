/**
 * Stand-in for an email service provider's monitoring and analytics API,
 * used by the email-marketing-campaign example:
 *
 * - `GET /deliverability?domain=D` → `{ domain, spf, dkim, dmarc, bounceRate, complaintRate, status }`;
 *   `status` is `healthy`, or `blocklisted` for a domain that starts with `blocked.`.
 * - `POST /engagement` `{ campaignId, sends: [{ email, variant }] }` →
 *   `{ campaignId, results: [{ email, variant, opened, clicked }] }`, by the
 *   deterministic rule of {@link engagementOf}.
 * - `POST /analytics` (any JSON report) → 201 `{ id }`; the report is recorded.
 */
import express, { type Router } from 'express';
import { ServiceRecorder } from '../recorder';

/**
 * Whether the stand-in reports a recipient as having opened / clicked:
 * with s = the sum of the address's character codes, opened when s % 3 ≠ 0,
 * clicked when also s % 4 = 0.
 *
 * @example engagementOf('ada@example.com') // → { opened: true, clicked: false }
 */
export function engagementOf(email: string): { opened: boolean; clicked: boolean } {
  const s = [...email].reduce((sum, c) => sum + c.charCodeAt(0), 0);
  const opened = s % 3 !== 0;
  return { opened, clicked: opened && s % 4 === 0 };
}

/**
 * @example app.use('/esp', createEspService().router)
 */
export function createEspService(): { router: Router; recorder: ServiceRecorder } {
  const recorder = new ServiceRecorder();
  const router = express.Router();
  let reports = 0;
  router.use(express.json({ limit: '1mb' }));
  router.use(recorder.middleware());
  router.get('/deliverability', (req, res) => {
    const domain = typeof req.query.domain === 'string' ? req.query.domain : '';
    if (!domain) return void res.status(400).json({ error: 'domain is required', field: 'domain' });
    const blocked = domain.startsWith('blocked.');
    res.json({
      domain,
      spf: 'pass',
      dkim: 'pass',
      dmarc: blocked ? 'fail' : 'pass',
      bounceRate: blocked ? 0.12 : 0.008,
      complaintRate: blocked ? 0.004 : 0.0002,
      status: blocked ? 'blocklisted' : 'healthy',
    });
  });
  router.post('/engagement', (req, res) => {
    const sends = (req.body as { sends?: unknown })?.sends;
    if (!Array.isArray(sends)) return void res.status(400).json({ error: 'sends must be an array of { email, variant }', field: 'sends' });
    const bad = sends.findIndex((s) => typeof (s as { email?: unknown })?.email !== 'string');
    if (bad >= 0) return void res.status(400).json({ error: `sends[${bad}].email is required`, field: `sends[${bad}].email` });
    res.json({
      campaignId: (req.body as { campaignId?: unknown }).campaignId ?? null,
      results: sends.map((s: { email: string; variant?: unknown }) => ({ email: s.email, variant: s.variant ?? null, ...engagementOf(s.email) })),
    });
  });
  router.post('/analytics', (req, res) => {
    if (typeof req.body !== 'object' || req.body === null) return void res.status(400).json({ error: 'a JSON report is required' });
    res.status(201).json({ id: `report-${++reports}` });
  });
  return { router, recorder };
}
