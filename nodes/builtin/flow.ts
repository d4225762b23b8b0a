/** The circles and triggers that frame a scenario: start, end and the three triggers. */
import { nextFireTimes } from '../../engine/schedule/next-fire-times';
import { isTimeZone } from '../../engine/scenario/time-zone';
import { defineNode, z } from '../sdk';

const passThrough = ({ input }: { input: unknown }) => ({ output: input });

export const start = defineNode({
  type: 'start',
  title: 'Start',
  category: 'Flow',
  description: 'The circle a diagram starts with; passes the trigger bundle on.',
  config: z.object({}).loose(),
  shape: 'circle',
  behaviour: 'start',
  pure: true,
  run: passThrough,
});

export const end = defineNode({
  type: 'end',
  title: 'End',
  category: 'Flow',
  description: 'Marks the end of a path; passes its bundle on as the run result.',
  config: z.object({}).loose(),
  shape: 'circle',
  pure: true,
  run: passThrough,
});

export const manualTrigger = defineNode({
  type: 'trigger.manual',
  title: 'Manual trigger',
  category: 'Triggers',
  description: 'Starts a run from the editor, the API or `switchyard run`, with the input given there.',
  config: z.object({}).loose(),
  behaviour: 'trigger',
  pure: true,
  run: passThrough,
});

export const webhookTrigger = defineNode({
  type: 'trigger.webhook',
  title: 'Webhook',
  category: 'Triggers',
  description: 'Starts a run for each POST /hooks/<path>; the bundle is the parsed request body.',
  config: z.object({
    path: z
      .string()
      .min(1, 'Path is required')
      .max(200)
      .regex(/^[A-Za-z0-9][A-Za-z0-9/_.-]*$/, 'Use letters, digits and / _ . - (no leading slash)'),
    secret: z.string().optional().describe('HMAC key; use {{ secrets.NAME }}'),
    signature: z.enum(['sha1', 'sha256']).optional().describe('sha1 is how Segment signs (X-Signature)'),
    respond: z.enum(['accepted', 'result']).default('accepted'),
    timeoutMs: z.number().int().min(100).max(120_000).optional().describe('How long respond=result waits before answering 202'),
  }),
  behaviour: 'trigger',
  pure: true,
  run: passThrough,
});

/**
 * Why a cron expression cannot drive a schedule, if it cannot: read by the
 * scheduler's own `nextFireTimes` (cron-parser), so validation accepts exactly
 * what publishing and the scheduler accept. Checked in UTC: the schedule's
 * zone moves its ticks, not whether there are any.
 */
function cronProblem(cron: string): string | undefined {
  let next: number[];
  try {
    next = nextFireTimes({ cron, timezone: 'UTC' }, 1);
  } catch (error) {
    return (error as Error).message;
  }
  return next.length === 0 ? `Cron expression "${cron}" never fires: no date matches it` : undefined;
}

export const scheduleTrigger = defineNode({
  type: 'trigger.schedule',
  title: 'Schedule',
  category: 'Triggers',
  description: 'Starts runs on a cron schedule in a time zone, or every N milliseconds.',
  // The cron and the zone are checked in the schema, field by field, so each problem is named at its own
  // path and next to the others (a node type's `check` would run only once the whole config parsed).
  config: z
    .object({
      cron: z
        .string()
        .superRefine((cron, ctx) => {
          // An empty cron counts as not given: the either/or rule below names that.
          const problem = cron ? cronProblem(cron) : undefined;
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        })
        .optional()
        .describe('Cron expression, e.g. "0 9 1 1,4,7,10 *" (quarterly at 09:00)'),
      every: z.number().int().min(1000).optional().describe('Interval in milliseconds'),
      timezone: z
        .string()
        .refine(isTimeZone, { error: (issue) => `Unknown time zone ${JSON.stringify(issue.input)}` })
        .optional()
        .describe('IANA time zone, e.g. Europe/Berlin'),
      overlap: z.enum(['skip', 'buffer', 'allow']).default('skip'),
      input: z.unknown().optional().describe('The bundle each scheduled run starts with'),
    })
    // `every: 0` is given (and too small, which its own issue says), so presence is `!== undefined`, not truthiness.
    .refine((c) => Boolean(c.cron) !== (c.every !== undefined), { message: 'Give either cron or every, not both or neither' }),
  behaviour: 'trigger',
  pure: true,
  run: passThrough,
});
