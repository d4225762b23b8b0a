/**
 * Stand-in for an API-key management service, used by the api-key-rotation
 * example. Keys live in memory per service; each service starts with one
 * active key `<service>-key-1`. Requests need `Authorization: Bearer <admin token>`
 * (default `keys-admin-token`).
 *
 * - `GET /services/:service/keys` → `{ keys: [{ keyId, status, createdAt, expiresAt? }] }`.
 * - `POST /services/:service/keys` `{ label? }` → 201 `{ keyId, prefix, status: 'active', createdAt }`
 *   (the secret itself goes to the service's vault, never into the answer).
 * - `PATCH /services/:service/keys/:keyId` `{ status: 'deprecated', expiresAt }` → the key.
 * - `DELETE /services/:service/keys/:keyId` → the key with status `revoked`.
 * - `GET /services/:service/clients` → `{ clients: [{ id, name, contactEmail }] }` (three fixed clients).
 */
import express, { type Router } from 'express';
import { ServiceRecorder } from '../recorder';

interface ApiKey {
  keyId: string;
  prefix: string;
  status: 'active' | 'deprecated' | 'revoked';
  createdAt: string;
  expiresAt?: string;
}

/**
 * The clients the stand-in lists for a service.
 *
 * @example clientsOf('billing-api').length // → 3
 */
export function clientsOf(service: string) {
  return ['acme', 'globex', 'initech'].map((name) => ({ id: `${service}-${name}`, name: name[0].toUpperCase() + name.slice(1), contactEmail: `ops@${name}.example.com` }));
}

/**
 * @example app.use('/keys', createKeysService({ adminToken: 't' }).router)
 */
export function createKeysService(options: { adminToken?: string } = {}): { router: Router; recorder: ServiceRecorder; adminToken: string; keys: Map<string, ApiKey[]> } {
  const adminToken = options.adminToken ?? 'keys-admin-token';
  const recorder = new ServiceRecorder();
  const keys = new Map<string, ApiKey[]>();
  const router = express.Router();
  router.use(express.json({ limit: '64kb' }));
  router.use(recorder.middleware());
  router.use((req, res, next) => {
    if (req.headers.authorization === `Bearer ${adminToken}`) return next();
    res.status(401).json({ error: 'unauthorized: unknown or missing admin token' });
  });
  const keysOf = (service: string) => {
    if (!keys.has(service)) keys.set(service, [{ keyId: `${service}-key-1`, prefix: 'sk_1', status: 'active', createdAt: new Date(Date.now() - 90 * 86_400_000).toISOString() }]);
    return keys.get(service)!;
  };
  router.get('/services/:service/keys', (req, res) => void res.json({ keys: keysOf(req.params.service) }));
  router.post('/services/:service/keys', (req, res) => {
    const list = keysOf(req.params.service);
    const n = list.length + 1;
    const key: ApiKey = { keyId: `${req.params.service}-key-${n}`, prefix: `sk_${n}`, status: 'active', createdAt: new Date().toISOString() };
    list.push(key);
    res.status(201).json(key);
  });
  router.patch('/services/:service/keys/:keyId', (req, res) => {
    const key = keysOf(req.params.service).find((k) => k.keyId === req.params.keyId);
    if (!key) return void res.status(404).json({ error: `No key "${req.params.keyId}"` });
    const { status, expiresAt } = (req.body ?? {}) as Record<string, unknown>;
    if (status !== 'deprecated') return void res.status(400).json({ error: 'status must be "deprecated"', field: 'status' });
    if (typeof expiresAt !== 'string' || Number.isNaN(Date.parse(expiresAt))) return void res.status(400).json({ error: 'expiresAt must be a date-time', field: 'expiresAt' });
    if (key.status === 'revoked') return void res.status(409).json({ error: `Key "${key.keyId}" is already revoked` });
    Object.assign(key, { status, expiresAt });
    res.json(key);
  });
  router.delete('/services/:service/keys/:keyId', (req, res) => {
    const list = keysOf(req.params.service);
    const key = list.find((k) => k.keyId === req.params.keyId);
    if (!key) return void res.status(404).json({ error: `No key "${req.params.keyId}"` });
    if (!list.some((k) => k !== key && k.status === 'active')) {
      return void res.status(409).json({ error: `Refusing to revoke "${key.keyId}": it is the service's last active key` });
    }
    key.status = 'revoked';
    res.json(key);
  });
  router.get('/services/:service/clients', (req, res) => void res.json({ clients: clientsOf(req.params.service) }));
  return { router, recorder, adminToken, keys };
}
