/**
 * Stand-in for a card payment processor's dispute API (Stripe's shapes, as
 * JSON), used by the billing-dispute example:
 *
 * - `GET /charges/:id` → the charge: amount, currency, customer, card country,
 *   3-D Secure result, CVC/postal checks, the buyer's IP country, the processor's risk score.
 * - `GET /customers/:id/charges` → `{ customer, accountCreated, data: [{ id, amount, disputed }] }`.
 * - `POST /disputes/:id` `{ evidence, submit: true }` → `{ id, status: 'under_review', evidence }` (contest).
 * - `POST /disputes/:id/close` → `{ id, status: 'lost' }` (accept the chargeback).
 *
 * Two charges exist: `ch_loyal_3ds` (a long-time customer, 3-D Secure
 * authenticated, matching countries) and `ch_suspect` (a new account, no
 * 3-D Secure, card and IP countries differ, earlier disputes). Requests need
 * `Authorization: Bearer <key>` (default `payments-test-key`).
 */
import express, { type Router } from 'express';
import { ServiceRecorder } from '../recorder';

const day = 86_400_000;

/** The charges the stand-in knows. */
export const CHARGES: Record<string, Record<string, unknown>> = {
  ch_loyal_3ds: {
    id: 'ch_loyal_3ds',
    object: 'charge',
    amount: 12_900,
    currency: 'usd',
    customer: 'cus_loyal',
    description: 'Annual plan renewal',
    payment_method_details: { type: 'card', card: { brand: 'visa', country: 'US', last4: '4242', three_d_secure: { result: 'authenticated' }, checks: { cvc_check: 'pass', address_postal_code_check: 'pass' } } },
    ip_country: 'US',
    outcome: { risk_level: 'normal', risk_score: 12 },
    refunded: false,
  },
  ch_suspect: {
    id: 'ch_suspect',
    object: 'charge',
    amount: 89_900,
    currency: 'usd',
    customer: 'cus_new',
    description: 'Team plan, 10 seats',
    payment_method_details: { type: 'card', card: { brand: 'mastercard', country: 'BR', last4: '0005', three_d_secure: null, checks: { cvc_check: 'unavailable', address_postal_code_check: 'fail' } } },
    ip_country: 'RO',
    outcome: { risk_level: 'elevated', risk_score: 71 },
    refunded: false,
  },
};

const CUSTOMERS: Record<string, { accountAgeDays: number; charges: number; disputed: number }> = {
  cus_loyal: { accountAgeDays: 820, charges: 24, disputed: 0 },
  cus_new: { accountAgeDays: 3, charges: 2, disputed: 1 },
};

/**
 * @example app.use('/payments', createPaymentsService().router)
 */
export function createPaymentsService(options: { apiKey?: string } = {}): { router: Router; recorder: ServiceRecorder; apiKey: string } {
  const apiKey = options.apiKey ?? 'payments-test-key';
  const recorder = new ServiceRecorder();
  const router = express.Router();
  router.use(express.json({ limit: '1mb' }));
  router.use(recorder.middleware());
  router.use((req, res, next) => {
    if (req.headers.authorization === `Bearer ${apiKey}`) return next();
    res.status(401).json({ error: { type: 'invalid_request_error', message: 'Invalid API key provided' } });
  });
  router.get('/charges/:id', (req, res) => {
    const charge = CHARGES[req.params.id];
    if (!charge) return void res.status(404).json({ error: { type: 'invalid_request_error', message: `No such charge: '${req.params.id}'`, param: 'id' } });
    res.json({ ...charge, created: Math.floor((Date.now() - 40 * day) / 1000) });
  });
  router.get('/customers/:id/charges', (req, res) => {
    const customer = CUSTOMERS[req.params.id];
    if (!customer) return void res.status(404).json({ error: { type: 'invalid_request_error', message: `No such customer: '${req.params.id}'`, param: 'id' } });
    res.json({
      object: 'list',
      customer: req.params.id,
      accountCreated: new Date(Date.now() - customer.accountAgeDays * day).toISOString(),
      data: Array.from({ length: customer.charges }, (_, i) => ({ id: `${req.params.id}_ch_${i + 1}`, amount: 12_900, disputed: i < customer.disputed })),
    });
  });
  router.post('/disputes/:id', (req, res) => {
    const { evidence, submit } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof evidence !== 'object' || evidence === null) return void res.status(400).json({ error: { type: 'invalid_request_error', message: 'evidence must be an object', param: 'evidence' } });
    res.json({ id: req.params.id, object: 'dispute', status: submit === true ? 'under_review' : 'needs_response', evidence });
  });
  router.post('/disputes/:id/close', (req, res) => void res.json({ id: req.params.id, object: 'dispute', status: 'lost' }));
  return { router, recorder, apiKey };
}
