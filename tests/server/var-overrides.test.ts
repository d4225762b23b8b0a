/**
 * A `SWITCHYARD_VAR_<NAME>` in the server's environment that does not read as
 * the type of the var it overrides: `serve` warns at start-up naming it and
 * the scenarios it breaks, and a run of such a scenario is refused with 503
 * naming the variable and the type it must read as — not an anonymous 500.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { varOverrideProblems } from '../../engine/runtime/var-overrides';
import { startService, type RunningService } from '../../engine/server/serve';
import { apiCall } from '../support/api-client';
import { expectErrorShape, scenarioDoc } from './harness';

const multiplied = scenarioDoc('multiplied', {
  settings: { vars: { MULT: 2 } },
  nodes: [
    { id: 'trigger', type: 'trigger.manual', config: {} },
    { id: 'times', type: 'transform', config: { expression: '{ "n": input.n * vars.MULT }' } },
  ],
  edges: [{ from: 'trigger', to: 'times' }],
});
// MULT is text here: the same override reads fine.
const labelled = scenarioDoc('labelled', { settings: { vars: { MULT: 'x' } } });

describe('varOverrideProblems', () => {
  it('lists every override that does not read, with the variable, the var and the expected type', () => {
    const problems = varOverrideProblems({ MULT: 2, LOUD: false, NAME: 'a' }, { SWITCHYARD_VAR_MULT: 'abc', SWITCHYARD_VAR_LOUD: 'yes', SWITCHYARD_VAR_NAME: '7', PATH: '/bin' });
    expect(problems.map(({ variable, setting, expected, message }) => ({ variable, setting, expected, message }))).toEqual([
      { variable: 'SWITCHYARD_VAR_MULT', setting: 'settings.vars.MULT', expected: 'a number', message: 'SWITCHYARD_VAR_MULT: "abc" is not a number, as settings.vars.MULT is' },
      {
        variable: 'SWITCHYARD_VAR_LOUD',
        setting: 'settings.vars.LOUD',
        expected: 'a boolean (true or false)',
        message: 'SWITCHYARD_VAR_LOUD: "yes" is not a boolean (true or false), as settings.vars.LOUD is',
      },
    ]);
  });
});

describe('serve with an override that does not read', () => {
  let dir: string;
  let service: RunningService;
  const logs: Array<{ level: number; msg: string; [key: string]: unknown }> = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-var-overrides-'));
    const examples = path.join(dir, 'examples');
    await mkdir(examples);
    await writeFile(path.join(examples, 'multiplied.json'), JSON.stringify(multiplied));
    await writeFile(path.join(examples, 'labelled.json'), JSON.stringify(labelled));
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
    service = await startService({
      port: 0,
      host: '127.0.0.1',
      dataDir: path.join(dir, 'data'),
      examplesDir: examples,
      serveEditor: false,
      apiToken: '',
      logger,
      env: { SWITCHYARD_VAR_MULT: 'abc' },
    });
  }, 120_000);
  afterAll(async () => {
    await service?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('warns at start-up, naming the variable, the expected type and the scenario it stops', () => {
    const warnings = logs.filter((line) => line.level === 40 && line.variable);
    expect(warnings).toEqual([
      expect.objectContaining({
        scenarioId: 'multiplied',
        variable: 'SWITCHYARD_VAR_MULT',
        expected: 'a number',
        msg: 'SWITCHYARD_VAR_MULT: "abc" is not a number, as settings.vars.MULT is; runs of "multiplied" cannot start until it is fixed',
      }),
    ]);
  });

  it('refuses a run with 503 naming the variable and the type, and runs the scenario where the override reads', async () => {
    const refused = await apiCall(service.url, '/api/scenarios/multiplied/runs', { body: { n: 3 } });
    expect(refused.status).toBe(503);
    const error = expectErrorShape(refused.body);
    expect(error.code).toBe('var_override_invalid');
    expect(error.message).toBe(
      'Cannot run the scenario: SWITCHYARD_VAR_MULT: "abc" is not a number, as settings.vars.MULT is. ' +
        "SWITCHYARD_VAR_MULT is set in the server's environment; set it to a number or unset it, and restart the server",
    );
    expect(error.issues).toEqual([
      { path: 'settings.vars.MULT', message: 'SWITCHYARD_VAR_MULT: "abc" is not a number, as settings.vars.MULT is', variable: 'SWITCHYARD_VAR_MULT', expected: 'a number' },
    ]);

    const ran = await apiCall(service.url, '/api/scenarios/labelled/runs?wait=true', { body: { n: 3 } });
    expect(ran.status).toBe(200);
    expect(ran.body.status).toBe('succeeded');
  }, 60_000);
});
