/**
 * The README's custom node example, copied as a newcomer would: into a fresh
 * folder outside the repository, with no package.json and no node_modules,
 * then `switchyard nodes` and `switchyard run` from that folder.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { switchyard } from './switchyard';

/** The first capture of `pattern` in the README: a ```ts block, or a file a ```sh block writes. */
function readmeBlock(readme: string, pattern: RegExp): string {
  const match = pattern.exec(readme);
  if (!match) throw new Error(`README.md has no block matching ${pattern}`);
  return match[1];
}

describe("the README's custom node type", () => {
  let project: string;
  let readme: string;
  beforeAll(async () => {
    readme = await readFile('README.md', 'utf8');
    project = await mkdtemp(path.join(os.tmpdir(), 'switchyard-newcomer-'));
    await mkdir(path.join(project, 'my-nodes'));
    await writeFile(path.join(project, 'my-nodes', 'greeting.ts'), readmeBlock(readme, /```ts\n(\/\/ my-nodes\/greeting\.ts\n[\s\S]*?)```/));
    await writeFile(path.join(project, 'greet.json'), readmeBlock(readme, /cat > greet\.json <<'JSON'\n([\s\S]*?)\nJSON/));
    await writeFile(path.join(project, 'input.json'), `${readmeBlock(readme, /echo '([^']*)' > input\.json\nSWITCHYARD_NODES/)}\n`);
  });
  afterAll(async () => {
    await rm(project, { recursive: true, force: true });
  });

  it('loads from a plain folder outside the repository and runs, as the README says', async () => {
    const env = { SWITCHYARD_NODES: './my-nodes' };
    const listed = await switchyard(['nodes'], env, { cwd: project });
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/\nText\n {2}text\.greeting +Greets a user by name, loudly if asked\.\n/);

    const result = await switchyard(['run', 'greet.json', '--input', 'input.json', '--json'], env, { cwd: project });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).output).toEqual({ greeting: 'HELLO, ADA!' });
  }, 300_000);

  it('loads the same file in a folder that says "type": "module", and one that says "commonjs"', async () => {
    for (const type of ['module', 'commonjs']) {
      const folder = path.join(project, `nodes-${type}`);
      await mkdir(folder, { recursive: true });
      await writeFile(path.join(folder, 'package.json'), JSON.stringify({ type }));
      await writeFile(path.join(folder, 'greeting.ts'), await readFile(path.join(project, 'my-nodes', 'greeting.ts'), 'utf8'));
      const result = await switchyard(['run', 'greet.json', '--input', 'input.json', '--json'], { SWITCHYARD_NODES: folder }, { cwd: project });
      expect({ type, code: result.code, stderr: result.stderr }).toEqual({ type, code: 0, stderr: '' });
    }
  }, 300_000);

  it('names a broken node file in one line: one-off commands go on without it, serve refuses to start', async () => {
    const folder = path.join(project, 'mixed-nodes');
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'greeting.ts'), await readFile(path.join(project, 'my-nodes', 'greeting.ts'), 'utf8'));
    const broken = path.join(folder, 'broken.ts');
    await writeFile(broken, "import { defineNode } from 'switchyard/nodes/sdk';\n\nexport default defineNode({ type: \n");
    const env = { SWITCHYARD_NODES: folder };

    const result = await switchyard(['run', 'greet.json', '--input', 'input.json', '--json'], env, { cwd: project });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).output).toEqual({ greeting: 'HELLO, ADA!' });
    // One line, naming the file and where in it the loader stopped (the wording after that is esbuild's).
    const file = broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const reason = `Custom node file ${file} could not be loaded: [^\\n]*${file}:4:0: ERROR: Unexpected end of file`;
    expect(result.stderr).toMatch(new RegExp(`^warning: ${reason} \\(skipped\\)\\n$`));

    const serve = await switchyard(['serve', '--port', '0'], { ...env, SWITCHYARD_DATA_DIR: path.join(project, 'data'), REDIS_URL: '' }, { cwd: project });
    expect(serve.code).toBe(2);
    expect(serve.stderr).toMatch(new RegExp(`^${reason}\\n$`));
  }, 300_000);
});
