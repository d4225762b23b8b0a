/**
 * `segment.rules`: ordered rules in JSONata over the customer features
 * (seed 004's option A: rules a team can read and challenge). The first rule
 * that holds places the customer; every member carries that rule and the
 * values it read.
 */
import { Expression } from '../../engine/expression/expression';
import { defineNode, z } from '../sdk';
import { featureRecord, periodFeatures, type WindowConfig, windowFields } from './features';
import { fieldNames } from './rule-names';
import { buildSegmentation, slug, withSegmentation } from './segmentation';
import { readCustomerBase, type Assignment, type CustomerFeatures, type Segmentation } from './types';
import type { RfmScores } from './features';
import { formatNumber } from './words';

const ruleSchema = z.object({
  name: z.string().min(1, 'Name the segment this rule fills'),
  when: z.string().min(1, 'Give the JSONata condition, e.g. frequency >= 10 and recencyDays <= 30'),
  description: z.string().optional(),
});

const configSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_-]+$/, 'Letters, digits, _ and -').default('rules').describe('Key of this segmentation in the bundle and the report'),
  rules: z.array(ruleSchema).min(1, 'Give at least one rule'),
  otherwise: z.string().min(1).default('Everyone else').describe('Segment for customers no rule matches'),
  ...windowFields,
});

type Rule = z.output<typeof ruleSchema>;

interface CompiledRule extends Rule {
  id: string;
  expression: Expression;
  reads: string[];
}

/** Compiled rules by source, so a scenario's rules are parsed once, not once per run. */
const compiled = new Map<string, Expression>();

function compile(source: string): Expression {
  let expression = compiled.get(source);
  if (!expression) {
    expression = new Expression(source);
    if (compiled.size > 500) compiled.clear();
    compiled.set(source, expression);
  }
  return expression;
}

function show(value: unknown): string {
  if (typeof value === 'number') return formatNumber(Math.round(value * 100) / 100);
  if (value === null || value === undefined) return 'none';
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

function holds(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

async function segmentOf(
  name: string,
  rules: CompiledRule[],
  otherwise: string,
  features: CustomerFeatures[],
  scores: RfmScores[],
  asOf: string,
  config: WindowConfig,
): Promise<Omit<Segmentation, 'prior'>> {
  const allReads = [...new Set(rules.flatMap((r) => r.reads))];
  const assignments: Assignment[] = [];
  for (let i = 0; i < features.length; i++) {
    const record = featureRecord(features[i], scores[i]);
    let placed: Assignment | undefined;
    for (const [index, rule] of rules.entries()) {
      let value: unknown;
      try {
        value = await rule.expression.evaluate(record);
      } catch (error) {
        throw new Error(`segment.rules: rule "${rule.name}" (rules[${index}].when) failed for customer ${features[i].customerId}: ${(error as Error).message}`, { cause: error });
      }
      if (!holds(value)) continue;
      const values = Object.fromEntries(rule.reads.filter((k) => k in record).map((k) => [k, record[k]]));
      const shown = Object.entries(values).map(([k, v]) => `${k} = ${show(v)}`).join(', ');
      placed = { customerId: features[i].customerId, segmentId: rule.id, rule: rule.when, values, explanation: `${rule.name}: matched rule ${index + 1} (${rule.when}) with ${shown || 'no field values'}` };
      break;
    }
    if (!placed) {
      const values = Object.fromEntries(allReads.filter((k) => k in record).map((k) => [k, record[k]]));
      const shown = Object.entries(values).map(([k, v]) => `${k} = ${show(v)}`).join(', ');
      placed = { customerId: features[i].customerId, segmentId: slug(otherwise), values, explanation: `${otherwise}: no rule matched (${rules.map((r) => r.name).join(', ')}) with ${shown}` };
    }
    assignments.push(placed);
  }
  return buildSegmentation({
    name,
    method: 'rules',
    asOf,
    definitions: [
      ...rules.map((r) => ({ id: r.id, name: r.name, confirmed: true, description: r.description ?? `customers for whom ${r.when}` })),
      { id: slug(otherwise), name: otherwise, confirmed: true, description: 'customers no rule matched' },
    ],
    assignments,
    features,
    lookbackDays: config.lookbackDays,
    details: { rules: rules.map(({ name: n, when, description }) => ({ name: n, when, description })), otherwise, lookbackDays: config.lookbackDays, spike: config.spike },
  });
}

export default defineNode({
  type: 'segment.rules',
  title: 'Rule segments',
  category: 'Segmentation',
  description: 'Places each customer by the first JSONata rule that holds over their features (recencyDays, frequency, monetary, r, f, m, topCategory, …); each member carries the rule and the values it read.',
  config: configSchema,
  pure: true,
  check(config) {
    const problems: Array<{ path: Array<string | number>; message: string }> = [];
    const seen = new Map<string, number>();
    config.rules.forEach((rule, i) => {
      try {
        new Expression(rule.when);
      } catch (error) {
        const e = error as { message: string; position?: number };
        problems.push({ path: ['rules', i, 'when'], message: `JSONata: ${e.message}${e.position !== undefined ? ` (at character ${e.position})` : ''}` });
      }
      const id = slug(rule.name);
      if (seen.has(id)) problems.push({ path: ['rules', i, 'name'], message: `Same segment name as rules[${seen.get(id)}]` });
      seen.set(id, i);
    });
    return problems;
  },
  async run(ctx) {
    const config = configSchema.parse(ctx.config);
    const base = readCustomerBase(ctx.input, 'segment.rules');
    const rules: CompiledRule[] = config.rules.map((r) => ({ ...r, id: slug(r.name), expression: compile(r.when), reads: fieldNames(r.when) }));
    const periods = periodFeatures(base, config);
    const current = await segmentOf(config.name, rules, config.otherwise, periods.current.features, periods.current.scores, periods.current.window.asOf, config);
    const prior = periods.prior
      ? await segmentOf(config.name, rules, config.otherwise, periods.prior.features, periods.prior.scores, periods.prior.window.asOf, config)
      : undefined;
    return {
      output: withSegmentation(
        { ...base, features: periods.current.features, ...(base.prior && periods.prior ? { prior: { ...base.prior, features: periods.prior.features } } : {}) },
        { ...current, ...(prior ? { prior } : {}) },
      ),
    };
  },
});
