/**
 * The `switchyard` command line: serve, worker, run, validate, import,
 * export, nodes. Exit codes: 0 success, 1 a run that did not succeed or an
 * internal failure, 2 invalid input (a scenario with problems, a file that is
 * missing or does not parse, bad arguments), 3 a Redis or PostgreSQL that
 * `serve` or `worker` cannot reach at start-up — 2 and 3 are reported in one
 * line, see errors.ts.
 */
import { parseArgs } from 'node:util';
import { createRegistry, type NodeRegistry } from '../../nodes';
import { ImportError } from '../import/types';
import type { Scenario } from '../scenario/schema';
import { formatProblems, validateScenario } from '../scenario/validate';
import { Engine, MemoryScenarioSource } from '../runtime/engine';
import { failureReport, UsageError } from './errors';
import { FileError, readJson, readText } from './files';
import { progressPrinter } from './progress';
import { secretsFromEnv } from './secrets-from-env';
import { runSummary } from './summary';

const USAGE = `switchyard — visual workflow automation engine

Usage:
  switchyard serve [--port N]                 API, editor and (embedded mode) the worker
  switchyard worker [--concurrency N]         execute runs (BullMQ mode: REDIS_URL)
  switchyard run <file|id> [--input F] [--json]
  switchyard validate <files…>
  switchyard import <file>                    Make blueprint, text diagram or workflow record → v1 JSON
  switchyard export <file> --format diagram   v1 JSON → the text diagram notation
  switchyard nodes [--json]                   list node types
`;

/**
 * The registry for a one-off command: a custom node file that cannot be loaded is named on stderr and
 * skipped, so it stops only the scenarios that use it (they then name its node type as unknown).
 * `serve` and `worker` refuse to start instead (process.ts).
 */
function cliRegistry(): Promise<NodeRegistry> {
  return createRegistry(process.env.SWITCHYARD_NODES, { onBrokenFile: (error) => console.error(`warning: ${error.message} (skipped)`) });
}

async function loadScenario(ref: string): Promise<unknown> {
  try {
    return await readJson(ref);
  } catch (error) {
    if (!(error instanceof FileError && error.code === 'ENOENT')) throw error;
  }
  // Not a file: a scenario id. The examples folder is the fallback catalogue for a fresh checkout.
  try {
    return await readJson(`examples/${ref}.json`);
  } catch (error) {
    if (error instanceof FileError && error.code === 'ENOENT') throw new UsageError(`No file or example scenario named "${ref}"`);
    throw error;
  }
}

async function cmdValidate(files: string[]): Promise<number> {
  if (files.length === 0) throw new UsageError('validate needs at least one file');
  const registry = await cliRegistry();
  let failed = false;
  for (const file of files) {
    let doc: unknown;
    try {
      doc = await readJson(file);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      // The message names the file (and the line and column of bad JSON); the other files are still checked.
      failed = true;
      console.error(error.message);
      continue;
    }
    const result = validateScenario(doc, registry);
    if (result.problems.length) console.error(formatProblems(result.problems).replace(/^/gm, `${file}: `));
    if (!result.ok) failed = true;
    else console.log(`${file}: ok${result.problems.length ? ` (${result.problems.length} warning${result.problems.length > 1 ? 's' : ''})` : ''}`);
  }
  return failed ? 2 : 0;
}

async function cmdRun(ref: string | undefined, values: { input?: string; json?: boolean; timeout?: string }): Promise<number> {
  if (!ref) throw new UsageError('run needs a scenario file or id');
  const registry = await cliRegistry();
  const doc = await loadScenario(ref);
  const result = validateScenario(doc, registry);
  if (!result.ok) {
    console.error(formatProblems(result.problems));
    return 2;
  }
  const scenario = result.scenario as Scenario;
  const input = values.input ? await readJson(values.input) : {};
  const engine = await Engine.create({
    registry,
    scenarios: new MemoryScenarioSource([scenario]),
    secrets: { all: async () => secretsFromEnv(process.env) },
  });
  const labels = new Map(scenario.nodes.map((n) => [n.id, n.label ?? '']));
  const progress = values.json ? undefined : progressPrinter(process.stderr, labels);
  const unsubscribe = progress ? engine.events.subscribe((e) => progress.event(e)) : () => {};
  try {
    await engine.startWorker();
    const runId = await engine.startRun({ scenarioId: scenario.id, version: 1, input, trigger: 'cli' });
    const record = await engine.waitForRun(runId, Number(values.timeout ?? 3_600_000));
    progress?.done();
    if (values.json) process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    else if (record) for (const line of runSummary(record, labels)) console.log(line);
    return record?.status === 'succeeded' ? 0 : 1;
  } finally {
    unsubscribe();
    await engine.close();
  }
}

async function cmdNodes(json: boolean): Promise<number> {
  const registry = await cliRegistry();
  if (json) {
    console.log(JSON.stringify(registry.describe(), null, 2));
    return 0;
  }
  let category = '';
  for (const type of registry.list()) {
    if (type.category !== category) console.log(`\n${(category = type.category)}`);
    console.log(`  ${type.type.padEnd(26)} ${type.description}`);
  }
  return 0;
}

async function cmdImport(file: string | undefined): Promise<number> {
  if (!file) throw new UsageError('import needs a file');
  const { importDocument } = await import('../import');
  const text = await readText(file);
  const { scenario, notes } = await importDocument(text, { filename: file }).catch((error: unknown) => {
    // Its message says where in the file (line and column, or a JSON path); the file name completes it.
    throw error instanceof ImportError ? new UsageError(`${file}: ${error.message}`, error) : error;
  });
  process.stdout.write(`${JSON.stringify(scenario, null, 2)}\n`);
  for (const note of notes) console.error(`${note.path ? `${note.path}: ` : ''}${note.message}`);
  return 0;
}

async function cmdExport(file: string | undefined, format: string | undefined): Promise<number> {
  if (!file) throw new UsageError('export needs a file');
  if (format !== 'diagram') throw new UsageError('export supports --format diagram');
  const { DiagramExportError, exportDiagram } = await import('../import');
  const result = validateScenario(await readJson(file), await cliRegistry());
  if (!result.scenario) {
    console.error(formatProblems(result.problems).replace(/^/gm, `${file}: `));
    return 2;
  }
  let text: string;
  try {
    text = exportDiagram(result.scenario);
  } catch (error) {
    // What the notation cannot write (a node id with a ".") is named at its path; the file name completes it.
    if (error instanceof DiagramExportError) throw new UsageError(`${file}: ${error.message}`, error);
    throw error;
  }
  process.stdout.write(`${text}\n`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      input: { type: 'string' },
      json: { type: 'boolean' },
      port: { type: 'string' },
      concurrency: { type: 'string' },
      format: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 2;
  }
  switch (command) {
    case 'validate':
      return cmdValidate(rest);
    case 'run':
      return cmdRun(rest[0], values);
    case 'nodes':
      return cmdNodes(Boolean(values.json));
    case 'import':
      return cmdImport(rest[0]);
    case 'export':
      return cmdExport(rest[0], values.format);
    case 'serve':
    case 'worker': {
      const { runProcess } = await import('./process');
      return runProcess(command, { port: values.port, concurrency: values.concurrency });
    }
    default:
      throw new UsageError(`Unknown command "${command}"\n\n${USAGE}`);
  }
}

// `switchyard nodes | head` closes the pipe early; that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    // serve and worker keep running; everything else exits with its code.
    if (code !== undefined && code >= 0) process.exitCode = code;
  },
  (error) => {
    const { text, exitCode } = failureReport(error, process.env);
    console.error(text);
    process.exitCode = exitCode;
  },
);
