/**
 * Reads a scenario's `trigger.schedule` node into a checked schedule, with
 * the node type's own zod schema so defaults (overlap `skip`) and rules
 * (cron or every, not both) are the ones the editor validates against.
 */
import { scheduleTrigger } from '../../nodes/builtin/flow';
import type { Scenario } from '../scenario/schema';

export type OverlapPolicy = 'skip' | 'buffer' | 'allow';

export interface ScheduleConfig {
  cron?: string;
  every?: number;
  timezone: string;
  overlap: OverlapPolicy;
  input?: unknown;
}

/**
 * The scenario's schedule, or undefined when its trigger is not a schedule.
 * The time zone falls back to `settings.timezone`, then UTC.
 * @example scheduleOf(seed000) // { cron: '0 9 1 1,4,7,10 *', timezone: 'Europe/Berlin', overlap: 'skip' }
 */
export function scheduleOf(scenario: Scenario): ScheduleConfig | undefined {
  const node = scenario.nodes.find((n) => n.type === scheduleTrigger.type && !n.disabled);
  if (!node) return undefined;
  const parsed = scheduleTrigger.config.safeParse(node.config ?? {});
  if (!parsed.success) {
    throw new Error(`Schedule of scenario "${scenario.id}" (node ${node.id}) is invalid: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  const config = parsed.data;
  return {
    cron: config.cron,
    every: config.every,
    timezone: config.timezone ?? scenario.settings?.timezone ?? 'UTC',
    overlap: config.overlap,
    input: config.input,
  };
}
