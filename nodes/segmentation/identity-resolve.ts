/** `identity.resolve`: merges duplicate profiles and reports orphaned orders and events. */
import { defineNode, z } from '../sdk';
import { resolveIdentities } from './identity';
import { readCustomerBase } from './types';

const configSchema = z.object({
  aliases: z.record(z.string(), z.string()).default({}).describe('Old or secondary customer id → the id it belongs to'),
  defaultCountryCode: z
    .string()
    .regex(/^\d{1,3}$/, 'Digits of a country calling code, e.g. 49')
    .default('1')
    .describe('Calling code for phone numbers written without one'),
  missing: z.enum(['drop', 'keep']).default('drop').describe('Orders and events whose customer id matches no profile'),
});

export default defineNode({
  type: 'identity.resolve',
  title: 'Resolve identities',
  category: 'Segmentation',
  description: 'Merges profiles with the same email (any case or spacing), phone number (any format) or an alias; reports the merges and orders or events with no profile.',
  config: configSchema,
  pure: true,
  run(ctx) {
    const config = configSchema.parse(ctx.config);
    const base = readCustomerBase(ctx.input, 'identity.resolve');
    const current = resolveIdentities(base, config);
    const prior = base.prior ? resolveIdentities(base.prior, config) : undefined;
    ctx.log.info('identities resolved', { merges: current.report.merges.length, missingProfiles: current.report.missingProfiles.count });
    return {
      output: {
        ...base,
        ...current.data,
        ...(prior ? { prior: { ...base.prior, ...prior.data } } : {}),
        quality: { ...base.quality, identity: { ...current.report, ...(prior ? { prior: prior.report } : {}) } },
      },
    };
  },
});
