/**
 * Runs: start one (`POST /api/scenarios/:id/runs`), list with filters and a
 * cursor, read one with its steps, cancel, retry, resume, decide an
 * approval, and read a run's artefacts.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { RunRecord } from '../../runtime/types';
import { FINAL_RUN_STATUSES } from '../../runtime/types';
import { RunRefusal } from '../../runtime/refusal';
import type { ServiceContext } from '../context';
import { ApiError, parseOr400 } from '../errors';
import { readRun, readRunIdentity, readRunOverview, readRunStep } from '../run-reads';
import { assertRunnable } from '../scenario-checks';
import { listedVersion } from '../scenario-versions';

const RUN_STATUSES = ['queued', 'running', 'waiting', 'succeeded', 'failed', 'incomplete', 'cancelled'] as const;

const listQuery = z.object({
  scenarioId: z.string().min(1).optional(),
  status: z.enum(RUN_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).optional(),
});
const startQuery = z.object({
  version: z.coerce.number().int().min(1).optional(),
  wait: z.enum(['true', 'false', '1', '0']).optional(),
  timeoutMs: z.coerce.number().int().min(1).optional(),
});
/** `?steps=summary`: the run's overview, each step without its input and output (see `RunOverview`); on a read and on the actions. */
const readQuery = z.object({ steps: z.enum(['full', 'summary']).optional() });
type RunQuery = z.output<typeof readQuery>;
const stepQuery = z.object({ index: z.coerce.number().int().min(0).optional() });
const resumeBody = z.object({ version: z.number().int().min(1).optional() }).optional();
const decisionBody = z.object({
  decision: z.enum(['approved', 'rejected']),
  by: z.string().trim().min(1, 'Name the reviewer').max(200),
  comment: z.string().max(5000).optional(),
});

/**
 * Engine refusals carry an HTTP `status` and a `code` (resuming a finished run: 409 not_incomplete); anything else is a 500.
 * A `RunRefusal`'s message is whole and its issues point into the request's `body`.
 */
async function engineCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof RunRefusal) {
      throw new ApiError(error.status, error.code, error.message, error.issues.map((i) => ({ path: `body.${i.path}`, message: i.message })));
    }
    const { message, status, code } = error as Error & { status?: number; code?: string };
    if (typeof status === 'number' && status >= 400 && status < 500) throw new ApiError(status, code ?? 'conflict', `Cannot ${what}: ${message}`);
    throw error;
  }
}

/**
 * @example app.use('/api', runsRouter(ctx));
 */
export function runsRouter(ctx: ServiceContext): Router {
  const router = Router();
  const { engine, store, registry } = ctx;

  const findRun = (id: string): Promise<RunRecord> => readRun(ctx, id);
  /**
   * What an action answers: the run after it, whole as the engine returns it, or with `?steps=summary`
   * its overview — which the editor follows the run by, a few kilobytes where the record may be megabytes.
   */
  const answerRun = async (id: string, steps: RunQuery['steps'], run: RunRecord | undefined) =>
    steps === 'summary' ? readRunOverview(ctx, id, run) : run;
  const waitMs = (requested?: number) => Math.min(requested ?? 30_000, ctx.limits.maxWaitMs);

  router.post('/scenarios/:id/runs', async (req, res) => {
    const stored = await store.getScenario(req.params.id);
    if (!stored) throw new ApiError(404, 'not_found', `Scenario "${req.params.id}" not found`);
    const query = parseOr400(startQuery, req.query, 'query');
    // Test runs from the editor run the draft unless a version is named.
    const version = query.version ?? stored.version;
    const scenario = await listedVersion(store, stored.id, version, 'query.version');
    assertRunnable(scenario, registry, 'run', version);
    const runId = await engine.startRun({ scenarioId: stored.id, version, input: req.body ?? {}, trigger: 'manual' });
    if (query.wait === 'true' || query.wait === '1') {
      const run = await engine.waitForRun(runId, waitMs(query.timeoutMs));
      if (run && FINAL_RUN_STATUSES.has(run.status)) return res.status(200).json(run);
      return res.status(202).location(`/api/runs/${runId}`).json({ runId, status: run?.status ?? 'queued' });
    }
    res.status(202).location(`/api/runs/${runId}`).json({ runId });
  });

  router.get('/runs', async (req, res) => {
    res.json(await store.listRuns(parseOr400(listQuery, req.query, 'query')));
  });

  router.get('/runs/:id', async (req, res) => {
    const { steps } = parseOr400(readQuery, req.query, 'query');
    res.json(steps === 'summary' ? await readRunOverview(ctx, req.params.id) : await findRun(req.params.id));
  });

  router.get('/runs/:id/steps/:stepId', async (req, res) => {
    const { index } = parseOr400(stepQuery, req.query, 'query');
    res.json(await readRunStep(ctx, req.params.id, req.params.stepId, index));
  });

  // An action asks only whether the run exists before acting (readRunIdentity), never reads it whole for that.
  router.post('/runs/:id/cancel', async (req, res) => {
    const { steps } = parseOr400(readQuery, req.query, 'query');
    await readRunIdentity(ctx, req.params.id);
    res.json(await answerRun(req.params.id, steps, await engineCall('cancel the run', () => engine.cancel(req.params.id))));
  });

  router.post('/runs/:id/retry', async (req, res) => {
    await readRunIdentity(ctx, req.params.id);
    const runId = await engineCall('retry the run', () => engine.retry(req.params.id));
    res.status(202).location(`/api/runs/${runId}`).json({ runId });
  });

  router.post('/runs/:id/resume', async (req, res) => {
    const { steps } = parseOr400(readQuery, req.query, 'query');
    const run = await readRunIdentity(ctx, req.params.id);
    const version = parseOr400(resumeBody, req.body, 'body')?.version;
    if (version !== undefined) {
      const scenario = await listedVersion(store, run.scenarioId, version, 'body.version');
      assertRunnable(scenario, registry, 'run', version);
    }
    res.json(await answerRun(req.params.id, steps, await engineCall('resume the run', () => engine.resume(req.params.id, version === undefined ? undefined : { version }))));
  });

  router.post('/runs/:id/approvals/:nodeId', async (req, res) => {
    const { steps } = parseOr400(readQuery, req.query, 'query');
    await readRunIdentity(ctx, req.params.id);
    const decision = parseOr400(decisionBody, req.body, 'body');
    res.json(await answerRun(req.params.id, steps, await engineCall(`decide the approval at "${req.params.nodeId}"`, () => engine.decide(req.params.id, req.params.nodeId, decision))));
  });

  router.get('/runs/:id/artifacts', async (req, res) => {
    const items = await store.listArtifacts(req.params.id);
    // Only to tell "no artefacts" from "no such run".
    if (!items.length) await readRunIdentity(ctx, req.params.id);
    res.json({ items });
  });

  router.get('/runs/:id/artifacts/:name', async (req, res) => {
    const artifact = await store.getArtifact(req.params.id, req.params.name);
    if (!artifact) throw new ApiError(404, 'not_found', `Run "${req.params.id}" has no artefact "${req.params.name}"`);
    // A report's HTML is shown as a sandboxed document: its scripts cannot reach the API with the viewer's session.
    res.set('Content-Security-Policy', "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'");
    res.type(artifact.contentType).send(Buffer.from(artifact.body));
  });

  return router;
}
