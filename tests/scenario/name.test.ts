/**
 * A scenario's name is what the editor's list, the run history and the CLI
 * show for it: spaces alone are refused as an empty name is, at `name`.
 */
import { describe, expect, it } from 'vitest';
import { scenarioSchema } from '../../engine/scenario/schema';
import { printed, scenarioDocument } from './support';

const named = (name: string) => scenarioDocument('named', [{ id: 't', type: 'trigger.manual' }], [], { name });

describe('scenario name', () => {
  it('refuses a name made only of spaces (or other blanks) with one issue at name', () => {
    for (const name of ['   ', ' ', '\t \n']) {
      expect(printed(named(name))).toEqual(['error name: Name is required: it is only spaces']);
      const result = scenarioSchema.safeParse(named(name));
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((i) => i.path)).toEqual([['name']]);
    }
  });

  it('still names an empty name once, and keeps a real name as written, surrounding spaces included', () => {
    expect(printed(named(''))).toEqual(['error name: Name is required']);
    expect(scenarioSchema.parse(named(' Lead intake ')).name).toBe(' Lead intake ');
  });
});
