/**
 * The `switchyard` command as a user runs it: a real child process, real files.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = path.resolve('bin/switchyard.js');

async function switchyard(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
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
    await writeFile(bad, '{ "format": ');
    const result = await switchyard(['validate', bad]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not valid JSON/);
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
    const file = path.join(dir, 'fails.json');
    await writeFile(
      file,
      JSON.stringify({ format: 'switchyard/scenario@1', id: 'fails', name: 'Fails', nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'x', type: 'transform', config: { expression: '$error("no stock for " & input.sku)' } }], edges: [{ from: 't', to: 'x' }] }),
    );
    await writeFile(path.join(dir, 'sku.json'), '{ "sku": "A-1" }');
    const result = await switchyard(['run', file, '--input', path.join(dir, 'sku.json')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('error at x: no stock for A-1');
  });

  it("loads the README's custom node from SWITCHYARD_NODES and runs it with no other change", async () => {
    const readme = await readFile('README.md', 'utf8');
    const code = /```ts\n(\/\/ my-nodes\/greeting\.ts\n[\s\S]*?)```/.exec(readme)![1];
    // Inside the repository, so `switchyard/nodes/sdk` resolves as it does in a project that depends on Switchyard.
    const nodes = path.resolve('tests/artifacts/cli-nodes');
    await mkdir(nodes, { recursive: true });
    await writeFile(path.join(nodes, 'greeting.ts'), code);
    const file = path.join(dir, 'greet.json');
    await writeFile(
      file,
      JSON.stringify({
        format: 'switchyard/scenario@1',
        id: 'greet',
        name: 'Greet',
        nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'g', type: 'text.greeting', config: { name: '{{ input.user }}', loud: true } }],
        edges: [{ from: 't', to: 'g' }],
      }),
    );
    await writeFile(path.join(dir, 'user.json'), '{ "user": "Ada" }');
    const result = await switchyard(['run', file, '--input', path.join(dir, 'user.json'), '--json'], { SWITCHYARD_NODES: nodes });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).output).toEqual({ greeting: 'HELLO, ADA!' });
    const listed = await switchyard(['nodes'], { SWITCHYARD_NODES: nodes });
    expect(listed.stdout).toContain('text.greeting');
  });
});
