/**
 * Make blueprint → format v1 scenario. Walks `flow` with its nested router
 * routes and if-else branches, turns filters into edge conditions, error
 * handler directives into `onError`, and Make mappings into JSONata; module
 * `N` becomes node `mN`. Defensive: real blueprints omit fields freely.
 */
import type { RetryPolicy, Scenario, ScenarioEdge, ScenarioNode } from '../../scenario/schema';
import { SCENARIO_FORMAT } from '../../scenario/schema';
import { scenarioId, slugify, uniqueId } from '../ids';
import { isRecord } from '../json-text';
import { layoutScenario } from '../layout';
import { ImportError, type ImportNote, type ImportOptions, type ImportResult } from '../types';
import { filterToJsonata } from './filter';
import { pathToJsonata, type FormulaContext, type PathSegment } from './formula';
import { isMapped, valueToExpression } from './mapping';
import { DIRECTIVES, looksLikeTrigger, mapModule, outputRename } from './modules';

/** A loose end the next module connects to. */
interface Exit {
  from: string;
  fromHandle?: string;
  label?: string;
  when?: string;
  /** Out of a Make router every route runs unless its filter says no; the edge needs a condition anyway. */
  route?: boolean;
}

type Module = Record<string, unknown>;

/** Every module in the blueprint, at any depth (routes, branches, error handlers). */
function allModules(flow: unknown, out: Module[] = []): Module[] {
  if (!Array.isArray(flow)) return out;
  for (const module of flow) {
    if (!isRecord(module)) continue;
    out.push(module);
    if (Array.isArray(module.routes)) for (const route of module.routes) if (isRecord(route)) allModules(route.flow, out);
    if (Array.isArray(module.branches)) for (const branch of module.branches) if (isRecord(branch)) allModules(branch.flow, out);
    allModules(module.onerror, out);
  }
  return out;
}

class BlueprintImport {
  readonly nodes: ScenarioNode[] = [];
  readonly edges: ScenarioEdge[] = [];
  readonly notes: ImportNote[] = [];
  private readonly taken = new Set<string>();
  private readonly nodeIdOf = new Map<string, string>();
  private readonly moduleOf = new Map<string, string>();
  private readonly mergeOutputs = new Map<string, Record<string, unknown[]>>();
  private positionsMissing = false;

  constructor(private readonly webhookPath: string) {}

  /** Node ids are decided up front so references to later modules (and feeders) resolve. */
  register(modules: Module[]): void {
    for (const module of modules) {
      if (typeof module.module === 'string' && DIRECTIVES.has(module.module)) continue;
      const key = String(module.id ?? '');
      if (this.nodeIdOf.has(key)) continue;
      const id = uniqueId(/^\d+$/.test(key) ? `m${key}` : `m-${slugify(key, 'module')}`, this.taken);
      if (key) this.nodeIdOf.set(key, id);
      module.__nodeId = id;
      this.moduleOf.set(id, String(module.module ?? ''));
      if (module.module === 'builtin:BasicMerge' && Array.isArray(module.outputs)) {
        const outputs: Record<string, unknown[]> = {};
        for (const o of module.outputs) if (isRecord(o) && typeof o.name === 'string') outputs[o.name] = Array.isArray(o.mappings) ? o.mappings : [];
        this.mergeOutputs.set(id, outputs);
      }
    }
  }

  /** The context a module's (or filter's) mappings translate in. */
  context(where: string, owner: string, asInput: Set<string> = new Set()): FormulaContext {
    const ctx: FormulaContext = {
      reference: (moduleId, path) => {
        const nodeId = this.nodeIdOf.get(String(moduleId)) ?? `m${moduleId}`;
        const merge = this.mergeOutputs.get(nodeId);
        const first = path[0];
        if (merge && first && 'field' in first && merge[first.field]) {
          // Only one branch reached the merge; the array constructor drops the ones that did not run.
          const options = merge[first.field].map((m) => valueToExpression(m, ctx));
          return pathToJsonata(`[${options.join(', ')}][0]`, path.slice(1));
        }
        const rename = outputRename(this.moduleOf.get(nodeId) ?? '');
        const renamed: PathSegment[] = rename ? rename(path) : path;
        return pathToJsonata(asInput.has(nodeId) ? 'input' : `steps.${nodeId}.output`, renamed);
      },
      flag: (message) => this.notes.push({ path: where, message: `${owner}: ${message}` }),
    };
    return ctx;
  }

  walk(flow: unknown, entries: Exit[]): Exit[] {
    let current = entries;
    if (!Array.isArray(flow)) return current;
    for (const raw of flow) {
      if (!isRecord(raw)) continue;
      const module = typeof raw.module === 'string' ? raw.module : 'unknown';
      if (DIRECTIVES.has(module)) {
        this.notes.push({ message: `Make directive ${module} (module ${String(raw.id)}) outside an error handler was dropped` });
        continue;
      }
      const node = this.addNode(raw, current);
      this.connect(raw, node, current);
      current = this.continueFrom(raw, node);
      if (Array.isArray(raw.onerror)) this.errorHandler(raw.onerror, node);
    }
    return current;
  }

  private addNode(raw: Module, entries: Exit[]): ScenarioNode {
    const id = String(raw.__nodeId);
    const index = this.nodes.length;
    const module = String(raw.module ?? 'unknown');
    // An aggregator's value runs once per collected bundle, which is the output of the module before it.
    const asInput = module === 'builtin:BasicAggregator' ? new Set(entries.map((e) => e.from)) : undefined;
    const ctx = this.context(`nodes[${index}]`, `${id} (${module})`, asInput);
    const mapped = mapModule(raw, ctx, (feeder) => this.nodeIdOf.get(String(feeder)));
    if (mapped.type === 'trigger.webhook') mapped.config.path = this.webhookPath;
    const metadata = isRecord(raw.metadata) ? raw.metadata : {};
    const designer = isRecord(metadata.designer) ? metadata.designer : {};
    const node: ScenarioNode = { id, type: mapped.type, label: typeof designer.name === 'string' && designer.name ? designer.name : mapped.label, config: mapped.config };
    if (typeof designer.x === 'number' && typeof designer.y === 'number') node.position = { x: designer.x, y: designer.y };
    else this.positionsMissing = true;
    this.nodes.push(node);
    for (const message of mapped.notes) this.notes.push({ path: `nodes[${index}]`, message: `${id} (${module}): ${message}` });
    if (mapped.type === 'trigger.webhook') {
      this.notes.push({ path: `nodes[${index}].config.path`, message: `${id}: the Make webhook is now POST /hooks/${this.webhookPath}; point the sender there and set a signing secret if it signs` });
    }
    return node;
  }

  private connect(raw: Module, node: ScenarioNode, entries: Exit[]): void {
    const filter = isRecord(raw.filter) ? raw.filter : undefined;
    const condition = filter ? filterToJsonata(filter, this.context(`nodes[${this.nodes.indexOf(node)}]`, `filter into ${node.id}`)) : undefined;
    const filterName = typeof filter?.name === 'string' && filter.name ? filter.name : undefined;
    for (const entry of entries) {
      const when = [entry.when, condition].filter(Boolean).map((w, _i, all) => (all.length > 1 ? `(${w})` : w)).join(' and ') || (entry.route ? 'true' : undefined);
      const label = filterName ?? entry.label;
      this.edges.push({
        from: entry.from,
        to: node.id,
        ...(entry.fromHandle ? { fromHandle: entry.fromHandle } : {}),
        ...(label ? { label } : {}),
        ...(when ? { when } : {}),
      });
    }
  }

  /** Where the flow goes on after this module: routes and branches open new paths. */
  private continueFrom(raw: Module, node: ScenarioNode): Exit[] {
    if (raw.module === 'builtin:BasicRouter' && Array.isArray(raw.routes)) {
      raw.routes.forEach((route, i) => {
        if (isRecord(route)) this.walk(route.flow, [{ from: node.id, label: `Route ${i + 1}`, route: true }]);
      });
      return [{ from: node.id, label: 'after router', route: true }];
    }
    if (raw.module === 'builtin:BasicIfElse' && Array.isArray(raw.branches)) {
      const exits: Exit[] = [];
      raw.branches.forEach((branch, i) => {
        if (!isRecord(branch)) return;
        const isElse = branch.type === 'else';
        const when = isElse ? undefined : filterToJsonata(branch, this.context(`nodes[${this.nodes.indexOf(node)}]`, `${node.id} branch ${i + 1}`));
        const label = isElse ? 'else' : typeof branch.label === 'string' && branch.label ? branch.label : `Condition ${i + 1}`;
        const ends = this.walk(branch.flow, [{ from: node.id, label, when: when ?? (isElse ? undefined : 'false') }]);
        if (branch.merge !== false) exits.push(...ends.filter((e) => e.from !== node.id));
      });
      return exits;
    }
    return [{ from: node.id }];
  }

  /** Make's error handler route: directives set `onError`; other modules hang off the `error` handle. */
  private errorHandler(route: unknown[], node: ScenarioNode): void {
    const modules = route.filter(isRecord);
    const directive = modules.find((m) => DIRECTIVES.has(String(m.module)));
    const handlers = modules.filter((m) => !DIRECTIVES.has(String(m.module)));
    const where = `nodes[${this.nodes.indexOf(node)}]`;
    if (handlers.length) this.walk(handlers, [{ from: node.id, fromHandle: 'error' }]);
    if (!directive) return;
    const mapper = isRecord(directive.mapper) ? directive.mapper : {};
    switch (directive.module) {
      case 'builtin:Ignore':
        node.onError = 'ignore';
        break;
      case 'builtin:Resume':
        node.onError = 'resume';
        node.errorOutput = mapper;
        if (Object.values(mapper).some(isMapped)) this.notes.push({ path: `${where}.errorOutput`, message: `${node.id}: Make's Resume output maps values; errorOutput is used as written — replace the {{…}} parts with fixed values` });
        break;
      case 'builtin:Break': {
        node.onError = 'break';
        const count = Number(mapper.count ?? 0);
        if (mapper.retry !== false && count > 0) {
          const retry: RetryPolicy = { attempts: Math.min(100, count + 1), delayMs: Math.min(86_400_000, Math.round(Number(mapper.interval ?? 1) * 60_000)), backoff: 'fixed' };
          node.retry = retry;
        }
        break;
      }
      default:
        node.onError = 'fail';
        this.notes.push({ path: `${where}.onError`, message: `${node.id}: Make's ${String(directive.module)} ends the run with its transaction handling; here the run fails instead` });
    }
  }

  async finish(scenario: Scenario): Promise<void> {
    if (this.positionsMissing) await layoutScenario(scenario);
  }
}

/**
 * Imports a Make blueprint (the JSON Make exports).
 *
 * @example
 * const { scenario, notes } = await importBlueprint(JSON.parse(text));
 * scenario.nodes.map((n) => n.id) // → ['m1', 'm2', …]
 */
export async function importBlueprint(blueprint: unknown, options: ImportOptions = {}): Promise<ImportResult> {
  if (!isRecord(blueprint)) throw new ImportError('A Make blueprint is a JSON object', undefined, undefined, '$');
  if (!Array.isArray(blueprint.flow)) throw new ImportError('A Make blueprint needs a "flow" array of modules', undefined, undefined, 'flow');
  const name = typeof blueprint.name === 'string' && blueprint.name.trim() ? blueprint.name.trim() : 'Imported Make scenario';
  const id = scenarioId(options, typeof blueprint.name === 'string' ? blueprint.name : undefined);
  const work = new BlueprintImport(id);
  // Work on a copy: the walker marks modules with their node ids.
  const flow = structuredClone(blueprint.flow);
  work.register(allModules(flow));

  const first = flow.find(isRecord);
  let entries: Exit[] = [];
  if (!first || first.module !== 'gateway:CustomWebHook') {
    const trigger: ScenarioNode = { id: uniqueId('trigger', new Set(allModules(flow).map((m) => String(m.__nodeId)))), type: 'trigger.manual', label: 'Manual trigger', config: {} };
    const designer = isRecord(first?.metadata) && isRecord(first.metadata.designer) ? first.metadata.designer : undefined;
    if (typeof designer?.x === 'number' && typeof designer.y === 'number') trigger.position = { x: designer.x - 300, y: designer.y };
    work.nodes.push(trigger);
    entries = [{ from: trigger.id }];
    const firstModule = typeof first?.module === 'string' ? first.module : undefined;
    work.notes.push({
      path: 'nodes[0]',
      message:
        `The blueprint has no webhook module, so runs start from a manual trigger "${trigger.id}". Make keeps schedules outside the blueprint: replace it with trigger.schedule if the scenario ran on one` +
        (firstModule && looksLikeTrigger(firstModule) ? `; the first module "${firstModule}" was Make's trigger and is now a step after it` : ''),
    });
  }
  work.walk(flow, entries);

  const scenario: Scenario = {
    format: SCENARIO_FORMAT,
    id,
    name,
    ...(typeof blueprint.description === 'string' && blueprint.description ? { description: blueprint.description } : {}),
    nodes: work.nodes,
    edges: work.edges,
  };
  if (scenario.nodes.length === 0) throw new ImportError('The blueprint\'s flow has no modules', undefined, undefined, 'flow');
  await work.finish(scenario);
  return { scenario, notes: work.notes };
}
