/**
 * Scenario format v1 — a public contract. Fields may be added; none may be
 * renamed or repurposed. The structural checks live here; the checks that
 * need the node registry or the whole graph live in `validate.ts`.
 */
import { z } from 'zod';

export const SCENARIO_FORMAT = 'switchyard/scenario@1';

const id = z
  .string()
  .min(1, 'Must not be empty')
  .max(200, 'At most 200 characters')
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/, 'Use letters, digits, and _ . : - (no spaces)');

export { HANDLE_SIDES } from './ports';

export const retrySchema = z.strictObject({
  attempts: z.number().int().min(1).max(100),
  delayMs: z.number().int().min(0).max(86_400_000).default(1000),
  backoff: z.enum(['fixed', 'exponential']).default('exponential'),
  maxDelayMs: z.number().int().min(0).max(86_400_000).optional(),
  jitter: z.boolean().optional(),
});

export const onErrorSchema = z.enum(['fail', 'ignore', 'resume', 'break']);

export const nodeSchema = z.looseObject({
  id,
  type: z.string().min(1, 'Node type is required'),
  label: z.string().max(500).optional(),
  group: z.string().optional(),
  position: z.object({ x: z.number().finite(), y: z.number().finite() }).optional(),
  shape: z.enum(['circle', 'rectangle', 'diamond']).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  retry: retrySchema.optional(),
  timeoutMs: z.number().int().min(1).max(86_400_000).optional(),
  onError: onErrorSchema.optional(),
  /** Substitute output for `onError: "resume"`. */
  errorOutput: z.unknown().optional(),
  notes: z.string().optional(),
  disabled: z.boolean().optional(),
});

export const edgeSchema = z.looseObject({
  id: z.string().optional(),
  from: z.string().min(1, 'Edge needs "from"'),
  to: z.string().min(1, 'Edge needs "to"'),
  label: z.string().max(500).optional(),
  when: z.string().optional(),
  fromHandle: z.string().optional(),
  toHandle: z.string().optional(),
});

export const groupSchema = z.looseObject({
  id,
  label: z.string().optional(),
  collapsed: z.boolean().optional(),
  position: z.object({ x: z.number().finite(), y: z.number().finite() }).optional(),
});

export const settingsSchema = z.looseObject({
  timezone: z.string().optional(),
  vars: z.record(z.string(), z.unknown()).optional(),
  /** Attributes that may not reach activation without an approval (seed 004's guardrail). */
  sensitive: z.array(z.string()).optional(),
  tags: z.array(z.string()).optional(),
});

export const scenarioSchema = z.looseObject({
  format: z.literal(SCENARIO_FORMAT, { error: `format must be "${SCENARIO_FORMAT}"` }),
  id,
  // Spaces alone are no name: the editor's list, the run history and `switchyard run` would show nothing.
  // Refined, not trimmed, so a name with surrounding spaces is stored as written.
  name: z
    .string()
    .min(1, 'Name is required')
    .max(300)
    .refine((name) => name === '' || name.trim() !== '', 'Name is required: it is only spaces'),
  description: z.string().optional(),
  settings: settingsSchema.optional(),
  groups: z.array(groupSchema).optional(),
  nodes: z.array(nodeSchema).min(1, 'A scenario needs at least one node'),
  edges: z.array(edgeSchema).default([]),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioNode = z.output<typeof nodeSchema>;
export type ScenarioEdge = z.output<typeof edgeSchema>;
export type ScenarioGroup = z.output<typeof groupSchema>;
export type RetryPolicy = z.output<typeof retrySchema>;
export type OnError = z.output<typeof onErrorSchema>;
