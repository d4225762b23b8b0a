import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { validateScenario } from '../../engine/scenario/validate';
import type { Scenario } from '../../engine/scenario/schema';
import { builtinNodeTypes } from '../../nodes/builtin';
import { NodeRegistry } from '../../nodes/registry';
import { checkSensitiveGuardrail, segmentationNodeTypes } from '../../nodes/segmentation';

const registry = new NodeRegistry([...builtinNodeTypes, ...segmentationNodeTypes]);
const load = async (name: string) => JSON.parse(await readFile(new URL(`../../examples/${name}`, import.meta.url), 'utf8')) as Scenario;

describe('example scenarios', () => {
  for (const file of ['customer-segmentation-review.json', 'explainable-segmentation.json']) {
    it(`${file} passes validation and the sensitive-attribute guardrail`, async () => {
      const doc = await load(file);
      const result = validateScenario(doc, registry);
      expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(result.ok).toBe(true);
      expect(checkSensitiveGuardrail(result.scenario!, registry)).toEqual([]);
    });
  }

  it('the quarterly review runs on a Berlin schedule and asks the three roles of seed 000', async () => {
    const doc = await load('customer-segmentation-review.json');
    expect(doc.nodes[0]).toMatchObject({ type: 'trigger.schedule', config: { cron: '0 9 1 1,4,7,10 *', timezone: 'Europe/Berlin' } });
    expect(doc.nodes.filter((n) => n.type === 'approval').flatMap((n) => (n.config as { reviewers: string[] }).reviewers)).toEqual(['data-scientist', 'planner', 'engineering-manager']);
  });

  it('reports a rule expression that does not parse at its JSON path', async () => {
    const doc = await load('explainable-segmentation.json');
    const rules = doc.nodes.findIndex((n) => n.type === 'segment.rules');
    (doc.nodes[rules].config as any).rules[1].when = 'avgOrderValue >=';
    const result = validateScenario(doc, registry);
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.path)).toContain(`nodes[${rules}].config.rules[1].when`);
  });
});

describe('sensitive-attribute guardrail', () => {
  async function withSensitiveRule() {
    const doc = await load('explainable-segmentation.json');
    const index = doc.nodes.findIndex((n) => n.type === 'segment.rules');
    (doc.nodes[index].config as any).rules.unshift({ name: 'Young women', when: 'gender = "f" and birthYear > 1995' });
    return { doc, index };
  }

  it('passes a sensitive rule when an approval stands before activation', async () => {
    const { doc } = await withSensitiveRule();
    expect(checkSensitiveGuardrail(validateScenario(doc, registry).scenario!, registry)).toEqual([]);
  });

  it('flags the rule and the activation step when no approval stands before it', async () => {
    const { doc, index } = await withSensitiveRule();
    doc.nodes = doc.nodes.filter((n) => n.id !== 'review' && n.id !== 'stop');
    doc.edges = [...doc.edges.filter((e) => e.from !== 'review' && e.to !== 'review'), { from: 'report', to: 'confirm' }];
    const problems = checkSensitiveGuardrail(validateScenario(doc, registry).scenario!, registry);
    const publish = doc.nodes.findIndex((n) => n.id === 'publish');
    expect(problems.map((p) => p.path).sort()).toEqual([`nodes[${index}].config.rules[0].when`, `nodes[${index}].config.rules[0].when`, `nodes[${publish}]`].sort());
    expect(problems[0].message).toMatch(/"(gender|birthYear)" is marked sensitive .* crm.publish "publish" can be reached without an approval \(start → load → .* → publish\)/);
    expect(problems.every((p) => p.severity === 'error' && p.code === 'sensitive-attribute')).toBe(true);
  });

  it('does not count the rejected handle of an approval as approval', async () => {
    const { doc } = await withSensitiveRule();
    doc.edges.push({ from: 'review', to: 'publish', fromHandle: 'rejected' });
    const problems = checkSensitiveGuardrail(validateScenario(doc, registry).scenario!, registry);
    expect(problems.some((p) => /review → publish/.test(p.message))).toBe(true);
  });

  it('flags sensitive attributes sent by an activation step without approval', async () => {
    const doc = await load('customer-segmentation-review.json');
    const publish = doc.nodes.findIndex((n) => n.type === 'crm.publish');
    (doc.nodes[publish].config as any).fields = ['email', 'gender'];
    expect(checkSensitiveGuardrail(validateScenario(doc, registry).scenario!, registry)).toEqual([]);
    doc.edges = [...doc.edges.filter((e) => !e.from.startsWith('review') && e.to !== 'reviewDataScientist'), { from: 'report', to: 'confirm' }];
    const problems = checkSensitiveGuardrail(validateScenario(doc, registry).scenario!, registry);
    expect(problems.map((p) => p.path)).toContain(`nodes[${publish}].config.fields[1]`);
  });
});
