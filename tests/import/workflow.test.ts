import { beforeAll, describe, expect, it } from 'vitest';
import { CronExpressionParser } from 'cron-parser';
import { importWorkflowRecord, describedSteps } from '../../engine/import/workflow/record';
import { cadenceSchedule } from '../../engine/import/workflow/cadence';
import { importDocument } from '../../engine/import';
import { validateScenario } from '../../engine/scenario/validate';
import { createRegistry, type NodeRegistry } from '../../nodes';
import { configurePlaceholders, seed } from './support';

let registry: NodeRegistry;
beforeAll(async () => {
  registry = await createRegistry();
});

const recordJson = () => {
  const text = seed('000');
  return text.slice(text.indexOf('{'));
};

describe('workflow record (seed 000)', () => {
  it('imports from the seed text with its prose header and from the bare JSON alike', async () => {
    const fromSeed = await importDocument(seed('000'));
    const fromJson = await importDocument(recordJson());
    expect(fromJson.scenario).toEqual(fromSeed.scenario);
    const { scenario } = fromSeed;
    expect(scenario.id).toBe('customer-segmentation-review');
    expect(scenario.name).toBe('Customer Segmentation Review');
    expect(scenario.description).toMatch(/^Reviews and refreshes customer segmentation models/);
  });

  it('runs quarterly on a cron schedule in UTC unless told otherwise', async () => {
    const { scenario } = await importDocument(seed('000'));
    expect(scenario.nodes[0]).toMatchObject({ type: 'trigger.schedule', config: { cron: '0 9 1 1,4,7,10 *', timezone: 'UTC' } });
    const fires = CronExpressionParser.parse('0 9 1 1,4,7,10 *', { currentDate: new Date('2025-02-10T00:00:00Z'), tz: 'UTC' });
    expect(fires.next().toISOString()).toBe('2025-04-01T09:00:00.000Z');
    const berlin = await importDocument(seed('000'), { timezone: 'Europe/Berlin' });
    expect(berlin.scenario.nodes[0].config).toMatchObject({ timezone: 'Europe/Berlin' });
    expect(berlin.scenario.settings?.timezone).toBe('Europe/Berlin');
    await expect(importDocument(seed('000'), { timezone: 'Mars/Olympus' })).rejects.toThrow(/Unknown time zone "Mars\/Olympus"/);
  });

  it('asks the involved roles to approve, and tags the scenario with its domains and skill areas', async () => {
    const { scenario } = await importDocument(seed('000'));
    const review = scenario.nodes.find((n) => n.type === 'approval')!;
    expect(review.config).toMatchObject({ reviewers: ['data-scientist', 'planner', 'engineering-manager'] });
    expect(scenario.edges.filter((e) => e.from === review.id).map((e) => e.fromHandle)).toEqual(['approved', 'rejected']);
    expect(scenario.settings?.tags).toEqual(['customer-experience', 'customer-relations', 'data-quality', 'domain-driven-design']);
  });

  it('has a placeholder per described step, with notes, and validates once they are configured', async () => {
    const { scenario, notes } = await importDocument(seed('000'));
    const steps = scenario.nodes.filter((n) => n.id.startsWith('step-'));
    expect(steps.map((s) => (s.config as { hint: string }).hint.split(' ')[0])).toEqual(['re-running', 'validating', 'assessing', 'reviewing', 'evaluating', 'testing', 'reconciling']);
    expect(steps.every((s) => s.type === 'placeholder')).toBe(true);
    for (let i = 0; i < scenario.nodes.length; i++) {
      if (scenario.nodes[i].type === 'placeholder') expect(notes.some((n) => n.path === `nodes[${i}]`)).toBe(true);
    }
    expect(notes.some((n) => /campaign design/.test(n.message))).toBe(true);
    const problems = validateScenario(scenario, registry).problems.filter((p) => p.severity === 'error');
    expect(problems.every((p) => /^Needs configuring/.test(p.message))).toBe(true);
    expect(validateScenario(configurePlaceholders(scenario), registry).ok).toBe(true);
  });

  it('splits steps on -ing clauses but not inside parentheses', () => {
    const { steps, produces } = describedSteps('Checks things -- loading data (rows, columns, sheets), cleaning it, and publishing a, b, c. Produces a report and a chart.');
    expect(steps).toEqual(['loading data (rows, columns, sheets)', 'cleaning it', 'publishing a, b, c']);
    expect(produces).toEqual(['a report', 'a chart']);
  });
});

describe('cadences', () => {
  it.each([
    ['quarterly', { cron: '0 9 1 1,4,7,10 *' }],
    ['Monthly', { cron: '0 9 1 * *' }],
    ['weekly', { cron: '0 9 * * 1' }],
    ['daily', { cron: '0 9 * * *' }],
    ['annually', { cron: '0 9 1 1 *' }],
    ['yearly', { cron: '0 9 1 1 *' }],
    ['bi-weekly', { every: 14 * 86_400_000 }],
    ['semi-annually', { cron: '0 9 1 1,7 *' }],
  ])('%s', (cadence, schedule) => {
    expect(cadenceSchedule(cadence)).toEqual(schedule);
  });

  it('falls back to a manual trigger with a note for a cadence it cannot read', async () => {
    const { scenario, notes } = await importWorkflowRecord({ id: 'workflow:x', _kind: 'Workflow', attributes: { displayName: 'X', triggerType: 'scheduled', typicalCadence: 'when needed' } });
    expect(scenario.nodes[0].type).toBe('trigger.manual');
    expect(notes.some((n) => /"when needed" names no schedule/.test(n.message))).toBe(true);
  });
});
