/** `delay`: parks the run for a while without holding a worker slot; survives restarts. */
import { defineNode, z } from '../sdk';

export default defineNode({
  type: 'delay',
  title: 'Delay',
  category: 'Flow',
  description: 'Waits ms milliseconds, or until a date-time, then passes the bundle on.',
  config: z
    .object({
      ms: z.coerce.number().int().min(0).max(31_536_000_000).optional(),
      until: z.string().optional().describe('ISO date-time, may be a {{ template }}'),
    })
    .refine((c) => c.ms !== undefined || c.until !== undefined, { message: 'Give ms or until' }),
  behaviour: 'wait',
  run: ({ config }) => {
    const until = config.until !== undefined ? Date.parse(config.until) : Date.now() + (config.ms ?? 0);
    if (Number.isNaN(until)) throw Object.assign(new Error(`delay: config.until "${config.until}" is not a date-time`), { retryable: false });
    return { wait: { kind: 'delay', until } };
  },
});
