/**
 * `POST /hooks/<path>`: starts a run of the published scenario whose
 * `trigger.webhook` listens on that path. Order of checks: known path (404),
 * published (409), queue not overloaded (429), signature (401), body parses
 * (400); then 202 with the run id, or the run's result with `respond: "result"`
 * (200 when it succeeded, 500 with the run's error when it did not). Any other
 * method on a path someone listens on answers 405 with `Allow: POST`.
 */
import { createHash } from 'node:crypto';
import express, { Router, type Request } from 'express';
import { rateLimit } from 'express-rate-limit';
import { Template } from '../../expression/template';
import { varsFor } from '../../runtime/engine';
import { FINAL_RUN_STATUSES, type RunRecord } from '../../runtime/types';
import type { ServiceContext } from '../context';
import { ApiError } from '../errors';
import { assertJsonDepth } from '../json-depth';
import { redactHeaders, verifySignature } from '../webhook-signature';
import type { DraftListener, WebhookTarget } from '../webhook-index';

/** What a webhook answers to; every other method gets 405 with this as `Allow`. */
const HOOK_METHODS = 'POST';

// Parsed once per published scenario version, not per request (both showed in the webhook's CPU profile).
const templates = new Map<string, Template>();
const scenarioVars = new WeakMap<object, Record<string, unknown>>();

/** The webhook's HMAC key: its `secret` template rendered with the secrets and vars. */
async function signingKey(ctx: ServiceContext, target: WebhookTarget): Promise<string | undefined> {
  const source = target.config.secret;
  if (!source) return undefined;
  const secrets = (await ctx.vault?.all()) ?? {};
  let vars = scenarioVars.get(target.scenario);
  if (!vars) scenarioVars.set(target.scenario, (vars = varsFor(target.scenario, ctx.env)));
  let template = templates.get(source);
  if (!template) {
    if (templates.size >= 1000) templates.clear();
    templates.set(source, (template = new Template(source)));
  }
  const key = await template.render({ secrets, vars });
  if (typeof key !== 'string' || !key) {
    // Fail closed: a configured but unresolvable secret must not turn into "no signature needed".
    throw new ApiError(500, 'webhook_secret_missing', `The webhook's secret for "${target.scenarioId}" resolves to nothing; set the secret it names`);
  }
  return key;
}

function parseBody(req: Request, raw: Buffer): unknown {
  if (raw.length === 0) return {};
  const text = raw.toString('utf8');
  if (req.is('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, 'invalid_json', `Webhook body is not valid JSON: ${(error as Error).message}`, [{ path: 'body', message: (error as Error).message }]);
  }
  assertJsonDepth(body, 'body');
  return body;
}

/**
 * The 409 for a path only a draft listens on. A scenario that is published
 * with its webhook on another path is live, just not here: saying "not
 * published" sent its owner looking for the wrong fix.
 */
function notLive(path: string, draft: DraftListener): ApiError {
  const { scenarioId, version, publishedVersion } = draft;
  if (publishedVersion === null) return new ApiError(409, 'not_published', `Scenario "${scenarioId}" listens on /hooks/${path} but is not published`);
  return new ApiError(
    409,
    'not_published',
    `The path "${path}" is in scenario "${scenarioId}"'s draft (version ${version}), not its published version ${publishedVersion}; publish the draft to receive here`,
  );
}

/** The run's result for `respond: "result"`: the output of its last finished step. */
function resultOf(run: RunRecord): unknown {
  const done = run.steps.filter((s) => s.status === 'succeeded' && s.output !== undefined);
  const output = done[done.length - 1]?.output;
  return Array.isArray(output) && output.length === 1 ? output[0] : output;
}

/**
 * @example app.use('/hooks', hooksRouter(ctx));
 */
export function hooksRouter(ctx: ServiceContext): Router {
  const router = Router();
  router.use(
    rateLimit({
      windowMs: 60_000,
      limit: ctx.limits.hookRateLimit,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (_req, _res, next, options) => {
        next(new ApiError(429, 'rate_limited', `More than ${options.limit} webhook requests a minute from this address`));
      },
    }),
  );

  /** The webhook path of the request and who listens on it, or a 404 when nobody does. */
  const listenerOf = async (req: Request) => {
    const path = (req.params as { path: string[] }).path.join('/');
    const found = await ctx.webhooks.find(path);
    if (!found) throw new ApiError(404, 'not_found', `No scenario listens on /hooks/${path}`);
    return { path, found };
  };

  router.post('/*path', express.raw({ type: () => true, limit: ctx.limits.hookBodyLimit }), async (req, res) => {
    const { path, found } = await listenerOf(req);
    if (found.kind === 'unpublished') throw notLive(path, found);
    const { target } = found;

    if (ctx.limits.maxQueueDepth > 0) {
      const depth = await ctx.engine.queueDepth();
      if (depth >= ctx.limits.maxQueueDepth) {
        throw new ApiError(429, 'queue_full', `${depth} runs are queued (limit ${ctx.limits.maxQueueDepth}); retry later`, [], { 'Retry-After': '5' });
      }
    }

    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const key = await signingKey(ctx, target);
    if (key) {
      const problem = verifySignature(target.config.signature ?? 'sha1', key, req.headers, raw);
      if (problem) throw new ApiError(401, 'invalid_signature', problem);
    }
    const input = parseBody(req, raw);

    // A sender's Idempotency-Key makes redeliveries start one run, not two.
    const delivery = req.get('idempotency-key');
    const runId = await ctx.engine.startRun({
      scenarioId: target.scenarioId,
      version: target.version,
      input,
      trigger: 'webhook',
      request: { method: req.method, path: `/hooks/${path}`, query: { ...req.query }, headers: redactHeaders(req.headers) },
      ...(delivery ? { runId: `hook-${createHash('sha256').update(`${target.scenarioId}\n${delivery}`).digest('hex').slice(0, 32)}` } : {}),
    });
    ctx.metrics.webhookAccepted(target.scenarioId);

    if (target.config.respond === 'result') {
      const run = await ctx.engine.waitForRun(runId, Math.min(target.config.timeoutMs ?? 30_000, ctx.limits.maxWaitMs));
      if (run && FINAL_RUN_STATUSES.has(run.status)) {
        // As n8n does: the caller waited for the result, so a run that did not succeed is the server's failure to give one.
        return res.status(run.status === 'succeeded' ? 200 : 500).json({ runId, status: run.status, result: resultOf(run), ...(run.error ? { error: run.error } : {}) });
      }
      return res.status(202).json({ runId, status: run?.status ?? 'queued' });
    }
    res.status(202).json({ runId });
  });

  // Someone opening a webhook's URL in a browser (a GET) should learn the method it takes, not that it does not exist.
  router.all('/*path', async (req) => {
    const { path } = await listenerOf(req);
    throw new ApiError(405, 'method_not_allowed', `/hooks/${path} takes ${HOOK_METHODS}, not ${req.method}`, [], { Allow: HOOK_METHODS });
  });
  return router;
}
