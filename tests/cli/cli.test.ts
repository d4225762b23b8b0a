/**
 * The `switchyard` command as a user runs it: a real child process, real files.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_FRAME, switchyard } from './switchyard';

/** Writes a format v1 scenario as `<folder>/<id>.json` and returns its path. */
async function writeScenario(folder: string, id: string, body: { nodes: object[]; edges: object[]; settings?: object }): Promise<string> {
  const file = path.join(folder, `${id}.json`);
  await writeFile(file, JSON.stringify({ format: 'switchyard/scenario@1', id, name: id, ...body }));
  return file;
}

describe('switchyard CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('validate prints every problem of a broken file with its JSON path and exits 2', async () => {
    const file = path.join(dir, 'broken.json');
    await writeFile(
      file,
      JSON.stringify({
        // A wrong envelope does not hide the graph's problems: all are named in one pass.
        format: 'switchyard/scenario@0',
        id: 'broken',
        name: 'Broken',
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'call', type: 'http.request', config: { method: 'POST', url: 'ftp://x' } },
          { id: 'map', type: 'transform', config: { expression: 'input.a +' } },
          { id: 'what', type: 'no.such.type' },
        ],
        edges: [{ from: 't', to: 'call' }, { from: 'call', to: 'map' }, { from: 'map', to: 'ghost' }],
      }),
    );
    const result = await switchyard(['validate', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('format: format must be "switchyard/scenario@1"');
    expect(result.stderr).toContain('nodes[1].config.url: Only http and https URLs are allowed');
    expect(result.stderr).toMatch(/nodes\[2\]\.config\.expression: JSONata: .*\(at character 9\)/);
    expect(result.stderr).toContain('nodes[3].type: Unknown node type "no.such.type"');
    expect(result.stderr).toContain('edges[2].to: Edge ends at unknown node "ghost"');
  });

  it('validate exits 0 on a sound file and 2 on a file that is not JSON', async () => {
    const good = path.join(dir, 'good.json');
    await writeFile(good, JSON.stringify({ format: 'switchyard/scenario@1', id: 'ok', name: 'Ok', nodes: [{ id: 't', type: 'trigger.manual' }], edges: [] }));
    expect((await switchyard(['validate', good])).code).toBe(0);
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, '{\n  "format": "switchyard/scenario@1",\n  "id": "x" "name": "X"\n}');
    const result = await switchyard(['validate', bad, good]);
    expect(result.code).toBe(2);
    // Where the JSON breaks, by line and column, and the file named once; the next file is still checked.
    expect(result.stderr).toBe(`${bad}: line 3, column 13: Invalid JSON: Expected ',' or '}' after property value\n`);
    expect(result.stdout).toBe(`${good}: ok\n`);
  });

  it("runs the README's first scenario and prints the run record with --json", async () => {
    const readme = await readFile('README.md', 'utf8');
    const scenario = /cat > hello\.json <<'JSON'\n([\s\S]*?)\nJSON/.exec(readme)![1];
    await writeFile(path.join(dir, 'hello.json'), scenario);
    await writeFile(path.join(dir, 'input.json'), '{ "user": "ada", "clicks": 9 }');
    const result = await switchyard(['run', path.join(dir, 'hello.json'), '--input', path.join(dir, 'input.json'), '--json']);
    expect(result.code).toBe(0);
    const record = JSON.parse(result.stdout);
    expect(record.status).toBe('succeeded');
    expect(record.output).toBe('personalized content for ada');
    expect(record.steps.map((s: { nodeId: string }) => s.nodeId)).toEqual(['t', 'score', 'route', 'personal']);
    for (const step of record.steps) expect(step).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('exits 1 when the run fails, naming the node', async () => {
    const file = await writeScenario(dir, 'fails', {
      nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'x', type: 'transform', config: { expression: '$error("no stock for " & input.sku)' } }],
      edges: [{ from: 't', to: 'x' }],
    });
    await writeFile(path.join(dir, 'sku.json'), '{ "sku": "A-1" }');
    const result = await switchyard(['run', file, '--input', path.join(dir, 'sku.json')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('error at x: no stock for A-1');
  });

  it('reports a missing or unparsable file, a bad diagram, prose that is no diagram, an id export cannot write and a bad option in one line with exit 2, no stack', async () => {
    const hello = path.join(dir, 'hello.json');
    const readme = await readFile('README.md', 'utf8');
    await writeFile(hello, /cat > hello\.json <<'JSON'\n([\s\S]*?)\nJSON/.exec(readme)![1]);
    const blueprint = path.join(dir, 'badbp.json');
    await writeFile(blueprint, '{ "name": "Broken", "flow": [ { "id": 1, }\n');
    const diagram = path.join(dir, 'baddiag.txt');
    await writeFile(diagram, 'Demo {\n  a: circle label:"A"\n  a -> b [label="x"\n}\n');
    const v2 = path.join(dir, 'v2.json');
    await writeFile(v2, JSON.stringify({ format: 'switchyard/scenario@2', id: 'x', name: 'X', nodes: [], edges: [] }));
    const dotted = await writeScenario(dir, 'dotid', {
      nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'sc.ore', type: 'transform', config: { expression: '1' } }],
      edges: [{ from: 't', to: 'sc.ore' }],
    });
    const prose = path.join(dir, 'letter.txt');
    await writeFile(prose, 'Dear team,\nplease review the Q3 numbers.\n');
    const missing = path.join(dir, 'nonexist.json');
    const cases: Array<[string[], string]> = [
      [
        ['import', prose],
        `${prose}: Nothing to import: found 2 lines of prose (starting "Dear team,") and no diagram node; expected a Switchyard scenario or a Make blueprint (JSON), ` +
          'a workflow record ("_kind": "Workflow"), or a text diagram with node lines such as n1: circle label:"Start"',
      ],
      [['import', blueprint], `${blueprint}: line 1, column 42: Invalid JSON: Expected double-quoted property name`],
      [['import', diagram], `${diagram}: line 3, column 20: Expected "]" at end of line`],
      [['import', v2], `${v2}: format: Unsupported scenario format "switchyard/scenario@2" (expected "switchyard/scenario@1")`],
      [['import', missing], `${missing}: no such file`],
      [['import', dir], `${dir}: is a directory, not a file`],
      [['run', hello, '--input', missing], `${missing}: no such file`],
      [['run', hello, '--input'], "Option '--input <value>' argument missing (see switchyard --help)"],
      [['export', dotted, '--format', 'diagram'], `${dotted}: nodes[1].id: Node id "sc.ore" cannot be written in the diagram notation: use letters, digits, _ and - only`],
    ];
    const results = await Promise.all(cases.map(async ([args]) => ({ args, ...(await switchyard(args)) })));
    expect(results).toEqual(cases.map(([args, line]) => ({ args, code: 2, stdout: '', stderr: `${line}\n` })));
    // Asked for, the stack of the error behind the line comes too.
    const debug = await switchyard(['import', missing], { SWITCHYARD_DEBUG: '1' });
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(STACK_FRAME);
  }, 300_000);

  it('reads SWITCHYARD_VAR_<NAME> as the type of the var it overrides, and names an override that does not read', async () => {
    const file = await writeScenario(dir, 'mult', {
      settings: { vars: { MULT: 2, LOUD: false, GREETING: 'hi' } },
      nodes: [
        { id: 't', type: 'trigger.manual' },
        { id: 'x', type: 'transform', config: { expression: '{ "product": input.x * vars.MULT, "loud": vars.LOUD = true, "greeting": vars.GREETING }' } },
      ],
      edges: [{ from: 't', to: 'x' }],
    });
    const input = path.join(dir, 'x.json');
    await writeFile(input, '{ "x": 7 }');
    const overridden = await switchyard(['run', file, '--input', input, '--json'], { SWITCHYARD_VAR_MULT: '3', SWITCHYARD_VAR_LOUD: 'true', SWITCHYARD_VAR_GREETING: '42' });
    expect(overridden.code).toBe(0);
    expect(JSON.parse(overridden.stdout).output).toEqual({ product: 21, loud: true, greeting: '42' });

    const refused = await switchyard(['run', file, '--input', input], { SWITCHYARD_VAR_MULT: 'abc' });
    expect(refused).toEqual({ code: 2, stdout: '', stderr: 'SWITCHYARD_VAR_MULT: "abc" is not a number, as settings.vars.MULT is\n' });
    const notBoolean = await switchyard(['run', file, '--input', input], { SWITCHYARD_VAR_LOUD: 'yes' });
    expect(notBoolean.stderr).toBe('SWITCHYARD_VAR_LOUD: "yes" is not a boolean (true or false), as settings.vars.LOUD is\n');
  }, 300_000);

  it('says what a waiting run waits on instead of a duration it does not have', async () => {
    const file = await writeScenario(dir, 'approve', {
      nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'ok', type: 'approval', label: 'Sign-off', config: { reviewers: ['ana', 'bo'], message: 'Ship it?' } }],
      edges: [{ from: 't', to: 'ok' }],
    });
    const result = await switchyard(['run', file]);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^run [0-9a-f-]{36} waiting after 1 step \(\d+ ms so far\)$/);
    expect(lines.slice(1)).toEqual([
      'waiting at ok (Sign-off): approval by ana, bo — "Ship it?"',
      'a run started by `switchyard run` ends with the command; to decide an approval, run the scenario on `switchyard serve`',
    ]);
    expect(result.stdout).not.toContain('? ms');
  });
});
