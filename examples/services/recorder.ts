/**
 * What every stand-in shares: it records the requests it received (so tests
 * can assert what a scenario sent) and fails on demand (so tests can prove
 * retries, Retry-After and timeouts). Control endpoints, under each
 * service's prefix:
 *
 * - `GET /__records` — the recorded requests, oldest first; `DELETE /__records` clears them.
 * - `POST /__faults` `{ kind: 'error' | 'rate-limit' | 'hang', count?, status?, retryAfterSeconds? }` —
 *   the next `count` calls answer 500 (or `status`), 429 with `Retry-After`, or never answer.
 *   `DELETE /__faults` clears pending faults.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';

/** A request as a stand-in saw it. */
export interface RecordedRequest {
  at: string;
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body: unknown;
  /** Set when the request was answered by an injected fault instead of the service. */
  fault?: FaultKind;
}

export type FaultKind = 'error' | 'rate-limit' | 'hang';

/** A failure to inject into the next calls. */
export interface Fault {
  kind: FaultKind;
  /** How many calls it affects. Default 1. */
  count?: number;
  /** Status for `error`. Default 500. */
  status?: number;
  /** `Retry-After` seconds for `rate-limit`. Default 1. */
  retryAfterSeconds?: number;
}

export class ServiceRecorder {
  readonly records: RecordedRequest[] = [];
  private readonly faults: Array<Required<Fault>> = [];

  /**
   * Queues a fault for the next calls.
   *
   * @example services.ml.addFault({ kind: 'rate-limit', count: 2, retryAfterSeconds: 1 })
   */
  addFault(fault: Fault): void {
    const kinds: FaultKind[] = ['error', 'rate-limit', 'hang'];
    if (!kinds.includes(fault.kind)) throw new Error(`fault.kind must be one of ${kinds.join(', ')}, not ${JSON.stringify(fault.kind)}`);
    this.faults.push({ count: 1, status: fault.kind === 'rate-limit' ? 429 : 500, retryAfterSeconds: 1, ...fault });
  }

  /**
   * Takes the fault that applies to the current call, if any.
   *
   * @example const fault = recorder.takeFault(); if (fault) return answerWithFault(fault);
   */
  takeFault(): Required<Fault> | undefined {
    const fault = this.faults[0];
    if (!fault) return undefined;
    if (--fault.count <= 0) this.faults.shift();
    return { ...fault };
  }

  /**
   * Forgets recorded requests and pending faults.
   *
   * @example beforeEach(() => services.braze.reset())
   */
  reset(): void {
    this.records.length = 0;
    this.faults.length = 0;
  }

  /**
   * The control endpoints plus a middleware that records each call and applies pending faults.
   *
   * @example router.use(recorder.middleware())
   */
  middleware(): Router {
    const router = express.Router();
    router.get('/__records', (_req, res) => void res.json(this.records));
    router.delete('/__records', (_req, res) => {
      this.records.length = 0;
      res.status(204).end();
    });
    router.post('/__faults', express.json(), (req, res) => {
      try {
        this.addFault(req.body as Fault);
        res.status(201).json({ pending: this.faults });
      } catch (error) {
        res.status(400).json({ error: (error as Error).message });
      }
    });
    router.delete('/__faults', (_req, res) => {
      this.faults.length = 0;
      res.status(204).end();
    });
    router.use((req: Request, res: Response, next: NextFunction) => {
      const record: RecordedRequest = {
        at: new Date().toISOString(),
        method: req.method,
        path: req.path,
        query: { ...(req.query as Record<string, unknown>) },
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)])),
        body: req.body,
      };
      this.records.push(record);
      const fault = this.takeFault();
      if (!fault) return next();
      record.fault = fault.kind;
      if (fault.kind === 'hang') return; // the server's close() ends the connection
      if (fault.kind === 'rate-limit') res.setHeader('retry-after', String(fault.retryAfterSeconds));
      res.status(fault.status).json({ message: fault.kind === 'rate-limit' ? 'Too many requests (injected fault)' : 'Internal error (injected fault)' });
    });
    return router;
  }
}
