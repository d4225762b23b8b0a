/**
 * `/api/scenarios`: list, create, read, save a new version, delete,
 * versions, publish, unpublish, and the schedule's next fire times.
 */
import { Router } from 'express';
import { z } from 'zod';
import { nextFireTimes } from '../../schedule/next-fire-times';
import { scheduleOf } from '../../schedule/schedule-config';
import type { StoredScenario } from '../../store/store';
import type { Scenario } from '../../scenario/schema';
import { triggersChanged, type ServiceContext } from '../context';
import { ApiError, parseOr400 } from '../errors';
import { assertRunnable, checkDraft } from '../scenario-checks';
import { versionProblems } from '../version-problems';
import { listedVersion } from '../scenario-versions';
import { webhookOf } from '../webhook-index';

const publishBody = z.object({ version: z.number().int().min(1).optional() }).optional();
const scheduleQuery = z.object({
  count: z.coerce.number().int().min(1).max(100).default(4),
  from: z.iso.datetime({ offset: true }).optional(),
});
const versionParam = z.coerce.number().int().min(1);

/**
 * A scenario as routes answer with it: the document's own fields at the top
 * (so `body.nodes` reads like the file), the version metadata beside them,
 * and the untouched document again under `scenario`. Saving accepts this
 * shape back: `checkDraft` drops the metadata keys.
 */
function present(stored: StoredScenario, problems?: unknown[]) {
  return { ...stored.scenario, ...stored, ...(problems ? { problems } : {}) };
}

const locationOf = (id: string) => `/api/scenarios/${encodeURIComponent(id)}`;

/** The list entry: everything but the document, plus what the list shows about it. */
function summary(stored: StoredScenario) {
  const { scenario, ...rest } = stored;
  const trigger = scenario.nodes.find((n) => n.type.startsWith('trigger.'))?.type ?? null;
  // The editor gives a copy (duplicate, a second import) a path of its own, free among these.
  const webhookPath = webhookOf(scenario)?.path ?? null;
  return { ...rest, description: scenario.description ?? null, trigger, webhookPath, nodeCount: scenario.nodes.length };
}

/**
 * @example app.use('/api/scenarios', scenariosRouter(ctx));
 */
/**
 * Where a trigger's field is in the document (`nodes[0].config.cron`), so that the editor can put a
 * publish refusal on the node and field it is about.
 */
function triggerField(scenario: Scenario, type: string, field: string): string {
  const at = scenario.nodes.findIndex((n) => n.type === type && !n.disabled);
  return at < 0 ? `${type}.${field}` : `nodes[${at}].config.${field}`;
}

export function scenariosRouter(ctx: ServiceContext): Router {
  const router = Router();
  const { store, registry } = ctx;
  const problems = versionProblems(registry);

  const mustGet = async (id: string) => {
    const stored = await store.getScenario(id);
    if (!stored) throw new ApiError(404, 'not_found', `Scenario "${id}" not found`);
    return stored;
  };

  router.get('/', async (_req, res) => {
    res.json({ items: (await store.listScenarios()).map(summary) });
  });

  router.post('/', async (req, res) => {
    const { scenario, problems: found } = checkDraft(req.body, registry);
    if (await store.getScenario(scenario.id)) {
      throw new ApiError(409, 'conflict', `Scenario "${scenario.id}" already exists; PUT /api/scenarios/${scenario.id} saves a new version`, [
        { path: 'id', message: 'Already taken' },
      ]);
    }
    const stored = await store.saveScenario(scenario);
    problems.remember(stored, scenario, found);
    await triggersChanged(ctx, stored.id);
    res.status(201).location(locationOf(stored.id)).json(present(stored, found));
  });

  router.get('/:id', async (req, res) => {
    const stored = await mustGet(req.params.id);
    res.json(present(stored, problems.of(stored.id, stored.version, stored.scenario)));
  });

  router.put('/:id', async (req, res) => {
    const { scenario, problems: found } = checkDraft(req.body, registry, req.params.id);
    // PUT to an id nobody has (or one deleted) creates the scenario, and says so as POST does.
    const created = !(await store.getScenario(scenario.id));
    const stored = await store.saveScenario(scenario);
    problems.remember(stored, scenario, found);
    await triggersChanged(ctx, stored.id);
    if (created) res.status(201).location(locationOf(stored.id));
    res.json(present(stored, found));
  });

  router.delete('/:id', async (req, res) => {
    if (!(await store.deleteScenario(req.params.id))) throw new ApiError(404, 'not_found', `Scenario "${req.params.id}" not found`);
    await triggersChanged(ctx, req.params.id);
    res.status(204).end();
  });

  router.get('/:id/versions', async (req, res) => {
    await mustGet(req.params.id);
    res.json({ items: await store.listVersions(req.params.id) });
  });

  // Answers any version the id ever had, unlisted ones of an earlier life too: a run names the version it ran.
  router.get('/:id/versions/:version', async (req, res) => {
    await mustGet(req.params.id);
    const version = parseOr400(versionParam, req.params.version, 'version');
    const scenario = await store.get(req.params.id, version);
    if (!scenario) throw new ApiError(404, 'not_found', `Scenario "${req.params.id}" has no version ${version}`);
    res.json({ id: req.params.id, version, scenario, problems: problems.of(req.params.id, version, scenario) });
  });

  router.post('/:id/publish', async (req, res) => {
    const stored = await mustGet(req.params.id);
    const version = parseOr400(publishBody, req.body, 'body')?.version ?? stored.version;
    const scenario = await listedVersion(store, stored.id, version, 'body.version');
    assertRunnable(scenario, registry, 'publish', version);
    const hook = webhookOf(scenario);
    if (hook) {
      await ctx.webhooks.refresh();
      const owner = ctx.webhooks.owner(hook.path, stored.id);
      if (owner) {
        throw new ApiError(409, 'conflict', `Webhook path "${hook.path}" is already used by published scenario "${owner}"`, [
          { path: triggerField(scenario, 'trigger.webhook', 'path'), message: `Taken by "${owner}"` },
        ]);
      }
    }
    try {
      const schedule = scheduleOf(scenario);
      if (schedule) nextFireTimes(schedule, 1);
    } catch (error) {
      // A cron the parser rejects must fail the publish, not the scheduler later.
      throw new ApiError(422, 'schedule_invalid', (error as Error).message, [{ path: triggerField(scenario, 'trigger.schedule', 'cron'), message: (error as Error).message }]);
    }
    const published = await store.publish(stored.id, version);
    await triggersChanged(ctx, stored.id);
    res.json(present(published));
  });

  router.post('/:id/unpublish', async (req, res) => {
    const unpublished = await store.unpublish((await mustGet(req.params.id)).id);
    await triggersChanged(ctx, unpublished.id);
    res.json(present(unpublished));
  });

  router.get('/:id/schedule', async (req, res) => {
    const stored = await mustGet(req.params.id);
    const query = parseOr400(scheduleQuery, req.query, 'query');
    const version = stored.publishedVersion ?? stored.version;
    const scenario = (await store.get(stored.id, version))!;
    let schedule;
    try {
      schedule = scheduleOf(scenario);
    } catch (error) {
      throw new ApiError(422, 'schedule_invalid', (error as Error).message);
    }
    if (!schedule) throw new ApiError(404, 'no_schedule', `Scenario "${stored.id}" is not started by a schedule (its trigger is not trigger.schedule)`);
    let next: number[];
    try {
      next = nextFireTimes(schedule, query.count, query.from ? new Date(query.from) : new Date());
    } catch (error) {
      throw new ApiError(422, 'schedule_invalid', (error as Error).message, [{ path: triggerField(scenario, 'trigger.schedule', 'cron'), message: (error as Error).message }]);
    }
    res.json({
      scenarioId: stored.id,
      version,
      published: stored.publishedVersion !== null,
      cron: schedule.cron ?? null,
      every: schedule.every ?? null,
      timezone: schedule.timezone,
      overlap: schedule.overlap,
      next: next.map((t) => new Date(t).toISOString()),
    });
  });

  return router;
}
