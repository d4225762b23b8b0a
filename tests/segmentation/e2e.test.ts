/**
 * Issue 6 end to end: both segmentation examples run through the real
 * engine, on BullMQ and in process, with people deciding at the approvals;
 * the CRM stand-in receives explained, approved assignments — or nothing
 * after a rejection. Plus the quarterly schedule and the sensitive-attribute
 * guardrail through the real CLI.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CronExpressionParser } from 'cron-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINAL_RUN_STATUSES, type RunRecord } from '../../engine/runtime/types';
import type { CrmRecord } from '../../examples/crm/server';
import { DRIVERS } from '../support/engine-harness';
import { EXPLAINABLE, REPO, REVIEW, loadExample, outputOf, reviewRun, startSegmentationRig, untilRun, type SegmentationRig } from './example-run';

const RUN_TIMEOUT = 180_000;

/** What the CRM received for one run (the stand-in is shared by the tests of a driver). */
const receivedFor = (rig: SegmentationRig, runId: string): CrmRecord[] => rig.crm.records.filter((r) => (r.body as { runId?: string }).runId === runId);

/** Checks the numbers segment.compare put into the run record, and that the same numbers were logged for this run. */
function expectComparisonsComputedAndLogged(rig: SegmentationRig, final: RunRecord, segmentations: string[]) {
  const comparisons = outputOf(final, 'compare').comparisons as Record<string, any>;
  expect(Object.keys(comparisons).sort()).toEqual([...segmentations].sort());
  const logged = (message: string, name: string) => rig.logs.filter((l) => l.message === message && l.data.runId === final.id && l.data.segmentation === name);
  for (const name of segmentations) {
    const c = comparisons[name];
    expect(c.compared).toBeGreaterThan(100);
    expect(c.stability).toBeGreaterThanOrEqual(0);
    // Last quarter carries planted drift (vip customers stop ordering), so no segmentation can be perfectly stable.
    expect(c.stability).toBeLessThan(1);
    expect(c.adjustedRandIndex).toBeGreaterThan(-1);
    expect(c.adjustedRandIndex).toBeLessThan(1);
    expect(c.drift.map((d: any) => d.feature)).toEqual(['recencyDays', 'frequency', 'monetary', 'avgOrderValue', 'engagement']);
    for (const d of c.drift) {
      expect(d.psi).toBeGreaterThanOrEqual(0);
      expect(d.band).toBe(d.psi < 0.1 ? 'stable' : d.psi <= 0.25 ? 'moderate' : 'significant');
    }
    expect(c.drift.find((d: any) => d.feature === 'recencyDays').band).toBe('significant');
    for (const l of c.lift.perSegment) {
      expect(l.test.pValue).toBeGreaterThanOrEqual(0);
      expect(l.test.pValue).toBeLessThanOrEqual(1);
    }
    // The fixture's campaign reached both groups in most segments, so lift is measured, not just listed.
    expect(c.lift.perSegment.filter((l: any) => l.treatment.n > 0 && l.control.n > 0).length).toBeGreaterThanOrEqual(2);
    // Seed 004: stability, drift and lift are logged on every run, with the same numbers the step output holds.
    expect(logged('segment stability', name).map((l) => [l.data.nodeId, l.data.stability, l.data.adjustedRandIndex])).toEqual([['compare', c.stability, c.adjustedRandIndex]]);
    expect(logged('feature drift', name).map((l) => l.data.psi)).toEqual([Object.fromEntries(c.drift.map((d: any) => [d.feature, d.psi]))]);
    expect(logged('campaign lift', name)).toHaveLength(1);
  }
}

/** Every assignment the CRM got is explained and carries the approval record of its segmentation. */
function expectExplainedAndApproved(received: CrmRecord[], segmentations: string[], approvers: string[], customers: number) {
  expect(received.map((r) => (r.body as any).segmentation).sort()).toEqual([...segmentations].sort());
  for (const { body, headers } of received as Array<{ body: any; headers: Record<string, string> }>) {
    expect(headers['idempotency-key']).toMatch(new RegExp(`:${body.segmentation}:0$`));
    expect(body.assignments).toHaveLength(customers);
    for (const a of body.assignments) {
      expect(a.customerId).toMatch(/^C-\d+$/);
      expect(a.explanation.length).toBeGreaterThan(20);
      expect(a.email).toMatch(/@/);
      expect(body.segments.map((s: any) => s.id)).toContain(a.segmentId);
    }
    // Who approved what: each approver, once, for this segmentation and its confirmed segment names.
    expect(body.approvals.map((x: any) => x.by)).toEqual(approvers);
    for (const approval of body.approvals) {
      expect(approval).toMatchObject({ decision: 'approved', segmentation: body.segmentation, segments: body.segments.map((s: any) => s.name) });
      expect(Date.parse(approval.at)).not.toBeNaN();
    }
    for (const s of body.segments) expect(s.confirmedBy).toBe(approvers.join(', '));
  }
}

describe.each(DRIVERS)('segmentation examples on the %s driver', (driver) => {
  let rig: SegmentationRig;
  beforeAll(async () => {
    rig = await startSegmentationRig(driver);
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  });

  it('seed 004: the marketing lead approves, and the CRM gets rule and cluster assignments with reasons and the approval', async () => {
    const { runId, waits, final } = await reviewRun(rig.engine, 'explainable-segmentation', [{ nodeId: 'review', by: 'marketing-lead', decision: 'approved', comment: 'names fit' }]);
    expect(waits).toEqual([[expect.objectContaining({ kind: 'approval', nodeId: 'review', reviewers: ['marketing-lead'] })]]);
    expect(final.status, JSON.stringify(final.error)).toBe('succeeded');
    const steps = final.steps.map((s) => s.nodeId);
    expect(steps).toEqual(expect.arrayContaining(['load', 'resolve', 'consent', 'rfm', 'rules', 'cluster', 'sideBySide', 'compare', 'report', 'review', 'confirm', 'publish']));
    expect(steps).not.toContain('stop');
    expect(final.steps.every((s) => s.status === 'succeeded')).toBe(true);

    expectComparisonsComputedAndLogged(rig, final, ['rfm', 'rules', 'clusters']);
    const consented = outputOf(final, 'consent').customers.length;
    const received = receivedFor(rig, runId);
    expectExplainedAndApproved(received, ['rules', 'clusters'], ['marketing-lead'], consented);
    const rules = received.find((r) => (r.body as any).segmentation === 'rules')!.body as any;
    for (const a of rules.assignments) if (a.segmentId !== 'everyone-else') expect(Object.keys(a.values).length).toBeGreaterThan(0);
    expect(rules.approvals[0].comment).toBe('names fit');
    expect(outputOf(final, 'publish').published.map((p: any) => [p.segmentation, p.assignments])).toEqual([
      ['rules', consented],
      ['clusters', consented],
    ]);
  }, RUN_TIMEOUT);

  it('seed 004: a rejection stops before activation and the CRM receives nothing', async () => {
    const { runId, final } = await reviewRun(rig.engine, 'explainable-segmentation', [{ nodeId: 'review', by: 'marketing-lead', decision: 'rejected', comment: 'cluster 3 looks wrong' }]);
    expect(final.status, JSON.stringify(final.error)).toBe('succeeded');
    expect(outputOf(final, 'review')).toMatchObject({ decision: 'rejected', by: 'marketing-lead' });
    const steps = final.steps.map((s) => s.nodeId);
    expect(steps).toContain('stop');
    expect(steps).not.toContain('confirm');
    expect(steps).not.toContain('publish');
    expect(receivedFor(rig, runId)).toEqual([]);
  }, RUN_TIMEOUT);

  it('seed 004: with the CRM down after the approval, the run stays incomplete with its approval, and a resume publishes once the CRM is back', async () => {
    rig.crm.unavailable = true;
    let broken: RunRecord;
    let runId: string;
    try {
      ({ runId, final: broken } = await reviewRun(rig.engine, 'explainable-segmentation', [{ nodeId: 'review', by: 'marketing-lead', decision: 'approved' }]));
    } finally {
      rig.crm.unavailable = false;
    }
    expect(broken.status, JSON.stringify(broken.error)).toBe('incomplete');
    expect(broken.steps.at(-1)).toMatchObject({ nodeId: 'publish', status: 'broken', error: { message: expect.stringContaining('503') } });
    expect(outputOf(broken, 'review')).toMatchObject({ decision: 'approved', by: 'marketing-lead' });
    expect(receivedFor(rig, runId)).toEqual([]);

    // Resumed: only the publish runs again — no clustering again, no reviewer asked again.
    await rig.engine.resume(runId);
    const done = await untilRun(rig.engine, runId, (r) => r.status !== 'incomplete' && FINAL_RUN_STATUSES.has(r.status));
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    const count = (nodeId: string) => done.steps.filter((s) => s.nodeId === nodeId).length;
    expect([count('cluster'), count('review'), count('publish')]).toEqual([1, 1, 2]);
    expect(done.steps.at(-1)).toMatchObject({ nodeId: 'publish', status: 'succeeded' });
    const consented = outputOf(done, 'consent').customers.length;
    expectExplainedAndApproved(receivedFor(rig, runId), ['rules', 'clusters'], ['marketing-lead'], consented);
  }, RUN_TIMEOUT);

  it('seed 000: data scientist, planner and engineering manager approve in turn; the CRM gets the clusters with all three approvals', async () => {
    const reviewers = ['data-scientist', 'planner', 'engineering-manager'];
    const nodes = ['reviewDataScientist', 'reviewPlanner', 'reviewEngineering'];
    const { runId, waits, final } = await reviewRun(
      rig.engine,
      'customer-segmentation-review',
      nodes.map((nodeId, i) => ({ nodeId, by: reviewers[i], decision: 'approved' as const })),
    );
    // The run asks one role at a time, in the record's order.
    expect(waits.map((w) => w.map((x) => [x.nodeId, x.reviewers]))).toEqual(nodes.map((n, i) => [[n, [reviewers[i]]]]));
    expect(final.status, JSON.stringify(final.error)).toBe('succeeded');
    expect(final.steps.map((s) => s.nodeId)).toEqual(['quarterly', 'load', 'resolve', 'consent', 'cluster', 'compare', 'report', ...nodes, 'confirm', 'publish']);

    expectComparisonsComputedAndLogged(rig, final, ['clusters']);
    expectExplainedAndApproved(receivedFor(rig, runId), ['clusters'], reviewers, outputOf(final, 'consent').customers.length);
    expect(rig.logs.find((l) => l.message === 'segments published' && l.data.runId === runId)?.data.approvedBy).toEqual(reviewers);
  }, RUN_TIMEOUT);

  it('seed 000: the planner rejects after the data scientist approved; nothing is activated', async () => {
    const { runId, waits, final } = await reviewRun(rig.engine, 'customer-segmentation-review', [
      { nodeId: 'reviewDataScientist', by: 'data-scientist', decision: 'approved' },
      { nodeId: 'reviewPlanner', by: 'planner', decision: 'rejected', comment: 'personas out of date' },
    ]);
    expect(waits).toHaveLength(2);
    expect(final.status, JSON.stringify(final.error)).toBe('succeeded');
    const steps = final.steps.map((s) => s.nodeId);
    expect(steps.slice(-3)).toEqual(['reviewDataScientist', 'reviewPlanner', 'notActivated']);
    expect(steps).not.toContain('reviewEngineering');
    expect(steps).not.toContain('publish');
    expect(receivedFor(rig, runId)).toEqual([]);
  }, RUN_TIMEOUT);
});

describe('the quarterly review schedule', () => {
  it('fires on the first of January, April, July and October at 09:00 Berlin time', async () => {
    const trigger = (await loadExample(REVIEW)).nodes.find((n) => n.type === 'trigger.schedule')!;
    const config = trigger.config as { cron: string; timezone: string };
    expect(config.timezone).toBe('Europe/Berlin');
    const fires = CronExpressionParser.parse(config.cron, { currentDate: new Date('2026-02-10T12:00:00Z'), tz: config.timezone })
      .take(4)
      .map((d) => new Date(d.getTime()));
    const berlin = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    expect(fires.map((d) => berlin.format(d))).toEqual(['01/04/2026, 09:00', '01/07/2026, 09:00', '01/10/2026, 09:00', '01/01/2027, 09:00']);
    // Berlin keeps summer time in April–October, so the same local hour is a different UTC hour in January.
    expect(fires.map((d) => d.toISOString())).toEqual(['2026-04-01T07:00:00.000Z', '2026-07-01T07:00:00.000Z', '2026-10-01T07:00:00.000Z', '2027-01-01T08:00:00.000Z']);
  });
});

describe('the sensitive-attribute guardrail through `switchyard validate`', () => {
  const run = promisify(execFile);
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-guardrail-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Seed 004 with a rule on gender and birth year in first place; optionally without the review step. */
  async function sensitiveCopy(withApproval: boolean): Promise<{ file: string; rulesIndex: number; publishIndex: number }> {
    const doc = await loadExample(EXPLAINABLE);
    const rulesIndex = doc.nodes.findIndex((n) => n.type === 'segment.rules');
    (doc.nodes[rulesIndex].config as any).rules.unshift({ name: 'Young women', when: 'gender = "f" and birthYear > 1995' });
    if (!withApproval) {
      doc.nodes = doc.nodes.filter((n) => n.id !== 'review' && n.id !== 'stop');
      doc.edges = [...doc.edges.filter((e) => e.from !== 'review' && e.to !== 'review'), { from: 'report', to: 'confirm' }];
    }
    const file = path.join(dir, `sensitive-${withApproval ? 'approved' : 'unapproved'}.json`);
    await writeFile(file, JSON.stringify(doc, null, 2));
    return { file, rulesIndex, publishIndex: doc.nodes.findIndex((n) => n.id === 'publish') };
  }

  const validate = (file: string) =>
    run(process.execPath, ['bin/switchyard.js', 'validate', file], { cwd: REPO, timeout: 60_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );

  it('refuses a sensitive rule with no approval before activation: exit 2, naming the rule and the activation step', async () => {
    const { file, rulesIndex, publishIndex } = await sensitiveCopy(false);
    const { code, stderr } = await validate(file);
    expect(code).toBe(2);
    expect(stderr).toContain(`${file}: error nodes[${rulesIndex}].config.rules[0].when: `);
    expect(stderr).toMatch(/"gender" is marked sensitive/);
    expect(stderr).toMatch(/"birthYear" is marked sensitive/);
    expect(stderr).toContain(`error nodes[${publishIndex}]: `);
    expect(stderr).toMatch(/crm\.publish "publish" can be reached without an approval/);
  }, 60_000);

  it('passes the same rule once an approval stands before activation', async () => {
    const { file } = await sensitiveCopy(true);
    const { code, stdout, stderr } = await validate(file);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`${file}: ok`);
  }, 60_000);
});
