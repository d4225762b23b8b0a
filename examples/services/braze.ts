/**
 * Stand-in for the Braze REST API: `POST /users/track` and
 * `POST /campaigns/trigger/send`, checking `Authorization: Bearer <REST API key>`
 * and answering in Braze's shapes — `{ message: 'success', … }` on success,
 * `{ message: <fatal error>, errors: [{ type, input_array, index }] }` with
 * 400 on a malformed body, 401 on a wrong key.
 */
import { randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import { ServiceRecorder } from './recorder';

export interface BrazeServiceOptions {
  /** The REST API key the stand-in accepts. Default `braze-test-key`. */
  apiKey?: string;
}

interface BrazeItemError {
  type: string;
  input_array: 'attributes' | 'events' | 'purchases';
  index: number;
}

const IDENTIFIERS = ['external_id', 'user_alias', 'braze_id', 'email', 'phone'];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTime = (v: unknown) => typeof v === 'string' && !Number.isNaN(Date.parse(v));

/** Why Braze would skip one item of a /users/track array, or undefined when it is fine. */
function itemProblem(kind: BrazeItemError['input_array'], item: unknown): string | undefined {
  if (!isObject(item)) return 'object is not valid';
  if (!IDENTIFIERS.some((id) => item[id] !== undefined && item[id] !== '')) return `'external_id', 'braze_id', 'user_alias', 'email' or 'phone' is required`;
  if (kind === 'events') {
    if (typeof item.name !== 'string' || !item.name) return "'name' is required";
    if (!isTime(item.time)) return "'time' is not valid";
  }
  if (kind === 'purchases') {
    if (typeof item.product_id !== 'string' || !item.product_id) return "'product_id' is required";
    if (typeof item.currency !== 'string' || !/^[A-Z]{3}$/.test(item.currency)) return "'currency' is not valid";
    if (typeof item.price !== 'number' || !Number.isFinite(item.price)) return "'price' is not valid";
    if (!isTime(item.time)) return "'time' is not valid";
  }
  return undefined;
}

/**
 * @example app.use('/braze', createBrazeService({ apiKey: 'k' }).router)
 */
export function createBrazeService(options: BrazeServiceOptions = {}): { router: Router; recorder: ServiceRecorder; apiKey: string } {
  const apiKey = options.apiKey ?? 'braze-test-key';
  const recorder = new ServiceRecorder();
  const router = express.Router();
  router.use(express.json({ limit: '4mb' }));
  router.use(recorder.middleware());
  router.use((req, res, next) => {
    if (req.headers.authorization === `Bearer ${apiKey}`) return next();
    res.status(401).json({ message: 'Invalid API key: unknown or missing REST API key' });
  });

  router.post('/users/track', (req, res) => {
    const body = req.body as unknown;
    if (!isObject(body)) return void res.status(400).json({ message: 'Request body must be a JSON object', errors: [] });
    const counts = { attributes: 0, events: 0, purchases: 0 };
    const errors: BrazeItemError[] = [];
    for (const kind of ['attributes', 'events', 'purchases'] as const) {
      const list = body[kind];
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        errors.push({ type: `'${kind}' must be an array`, input_array: kind, index: 0 });
        continue;
      }
      if (list.length > 75) return void res.status(400).json({ message: `'${kind}' has more than 75 objects`, errors: [] });
      list.forEach((item, index) => {
        const problem = itemProblem(kind, item);
        if (problem) errors.push({ type: problem, input_array: kind, index });
        else counts[kind]++;
      });
    }
    const processed = counts.attributes + counts.events + counts.purchases;
    if (processed === 0) {
      return void res.status(400).json({ message: "Valid data must be provided in the 'attributes', 'events', or 'purchases' fields.", errors });
    }
    res.status(201).json({
      message: 'success',
      ...(body.attributes !== undefined ? { attributes_processed: counts.attributes } : {}),
      ...(body.events !== undefined ? { events_processed: counts.events } : {}),
      ...(body.purchases !== undefined ? { purchases_processed: counts.purchases } : {}),
      ...(errors.length ? { errors } : {}),
    });
  });

  router.post('/campaigns/trigger/send', (req, res) => {
    const body = req.body as unknown;
    if (!isObject(body)) return void res.status(400).json({ message: 'Request body must be a JSON object' });
    if (typeof body.campaign_id !== 'string' || !body.campaign_id) return void res.status(400).json({ message: "'campaign_id' is required" });
    const recipients = body.recipients;
    if (recipients !== undefined) {
      if (!Array.isArray(recipients)) return void res.status(400).json({ message: "'recipients' must be an array" });
      if (recipients.length > 50) return void res.status(400).json({ message: "'recipients' has more than 50 objects" });
      const bad = recipients.findIndex((r) => !isObject(r) || (!r.external_user_id && !r.user_alias));
      if (bad >= 0) return void res.status(400).json({ message: `recipients[${bad}]: 'external_user_id' or 'user_alias' is required` });
      const props = recipients.findIndex((r) => (r as Record<string, unknown>).trigger_properties !== undefined && !isObject((r as Record<string, unknown>).trigger_properties));
      if (props >= 0) return void res.status(400).json({ message: `recipients[${props}]: 'trigger_properties' must be an object` });
    }
    if (body.broadcast !== true && (!Array.isArray(recipients) || recipients.length === 0)) {
      return void res.status(400).json({ message: "Either 'recipients' or 'broadcast': true is required" });
    }
    res.status(201).json({ dispatch_id: randomUUID().replace(/-/g, ''), message: 'success' });
  });

  router.use((error: Error & { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(error.status ?? 400).json({ message: `Invalid JSON in request body: ${error.message}`, errors: [] });
  });
  return { router, recorder, apiKey };
}
