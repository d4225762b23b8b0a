/**
 * A schedule that publishing or the scheduler would refuse is named by
 * validation first — by `switchyard validate`, the API's save and the
 * editor's problems alike — at its JSON path in the document.
 */
import { describe, expect, it } from 'vitest';
import { validateScenario } from '../../engine/scenario/validate';
import { printed, registry, scenarioDocument } from './support';

/** A schedule trigger with `config`, and a transform after it, as the tester's badcron.json. */
function scheduled(config: Record<string, unknown>, settings?: Record<string, unknown>) {
  const nodes = [{ id: 't', type: 'trigger.schedule', config }, { id: 'm', type: 'transform', config: { expression: 'input' } }];
  return scenarioDocument('badcron', nodes, [{ from: 't', to: 'm' }], settings ? { settings } : {});
}

describe('trigger.schedule cron', () => {
  it.each([
    ['banana', 'Cron expression "banana" is invalid: Validation error, cannot resolve alias "ban"'],
    ['61 * * * *', 'Cron expression "61 * * * *" is invalid: Constraint error, got value 61 expected range 0-59'],
    ['* * * * * * *', 'Cron expression "* * * * * * *" is invalid: Invalid cron expression, too many fields'],
    ['*/0 * * * *', 'Cron expression "*/0 * * * *" is invalid: Constraint error, cannot repeat at every 0 time.'],
    // 31 February: it would never fire.
    ['0 0 31 2 *', 'Cron expression "0 0 31 2 *" is invalid: Invalid explicit day of month definition'],
  ])('"%s" is an error at nodes[0].config.cron', (cron, message) => {
    expect(printed(scheduled({ cron }))).toEqual([`error nodes[0].config.cron: ${message}`]);
  });

  it.each(['0 9 1 1,4,7,10 *', '*/5 * * * *', '0 0 29 2 *', '0 0 L * *', '@daily', '*/10 * * * * *'])('"%s" is fine', (cron) => {
    expect(validateScenario(scheduled({ cron, timezone: 'Europe/Berlin' }), registry).problems).toEqual([]);
  });
});

describe('trigger.schedule time zones', () => {
  it('an unknown zone is an error at the node\'s timezone, beside a bad cron of the same node', () => {
    expect(printed(scheduled({ cron: 'banana', timezone: 'Mars/Olympus' }))).toEqual([
      'error nodes[0].config.cron: Cron expression "banana" is invalid: Validation error, cannot resolve alias "ban"',
      'error nodes[0].config.timezone: Unknown time zone "Mars/Olympus"',
    ]);
  });

  it('an unknown settings.timezone, where a schedule without its own zone fires, is an error at its path', () => {
    expect(printed(scheduled({ cron: '0 9 * * *' }, { timezone: 'Nowhere/Land' }))).toEqual(['error settings.timezone: Unknown time zone "Nowhere/Land"']);
  });
});

describe('trigger.schedule cron or every', () => {
  it('every: 0 is too small, and nothing else: it is given, so the either/or rule holds', () => {
    expect(printed(scheduled({ every: 0 }))).toEqual(['error nodes[0].config.every: Too small: expected number to be >=1000']);
  });

  it('still asks for one of the two, not both', () => {
    expect(printed(scheduled({}))).toEqual(['error nodes[0].config: Give either cron or every, not both or neither']);
    expect(printed(scheduled({ cron: '0 9 * * *', every: 60_000 }))).toEqual(['error nodes[0].config: Give either cron or every, not both or neither']);
    expect(validateScenario(scheduled({ every: 60_000 }), registry).problems).toEqual([]);
  });
});
