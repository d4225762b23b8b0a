/**
 * The registry of node types: the built-ins plus custom node files loaded
 * from the folders listed in `SWITCHYARD_NODES`, in the server and in every
 * worker alike.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { NodeType } from './sdk';

/** A node type as `/api/node-types` and `switchyard nodes` describe it. */
export interface NodeTypeDescription {
  type: string;
  title: string;
  category: string;
  description: string;
  outputs: string[];
  shape?: string;
  behaviour?: string;
  configSchema: unknown;
}

/**
 * A whole-scenario check a family of node types brings with it (the
 * segmentation guardrail, for one). Problems use the validator's shape.
 */
export type ScenarioCheck = (scenario: any, registry: NodeRegistry) => Array<{ path: string; message: string; severity: 'error' | 'warning'; code: string; nodeId?: string }>;

export class NodeRegistry {
  private readonly types = new Map<string, NodeType>();
  private readonly checks: ScenarioCheck[] = [];

  constructor(types: Iterable<NodeType> = []) {
    for (const type of types) this.register(type);
  }

  /** Adds a node type; a second type with the same name is refused so a custom file cannot shadow a built-in by accident. */
  register(type: NodeType): void {
    if (this.types.has(type.type)) throw new Error(`Node type "${type.type}" is registered twice`);
    this.types.set(type.type, type);
  }

  /** Adds a check the validator runs on every scenario. */
  addScenarioCheck(check: ScenarioCheck): void {
    this.checks.push(check);
  }

  scenarioChecks(): readonly ScenarioCheck[] {
    return this.checks;
  }

  get(type: string): NodeType | undefined {
    return this.types.get(type);
  }

  has(type: string): boolean {
    return this.types.has(type);
  }

  list(): NodeType[] {
    return [...this.types.values()].sort((a, b) => a.category.localeCompare(b.category) || a.type.localeCompare(b.type));
  }

  /** Descriptions with the JSON Schema of each config, for the editor's forms. */
  describe(): NodeTypeDescription[] {
    return this.list().map((t) => ({
      type: t.type,
      title: t.title,
      category: t.category,
      description: t.description,
      outputs: t.outputs ?? [],
      shape: t.shape,
      behaviour: t.behaviour,
      configSchema: z.toJSONSchema(t.config, { unrepresentable: 'any', io: 'input' }),
    }));
  }

  /**
   * Imports every `.ts`, `.js` and `.mjs` file directly in `folder`; each must
   * default-export a `defineNode(...)` result (or an array of them). Files
   * reached through a symlink that leads outside the folder are refused.
   */
  async loadFolder(folder: string): Promise<string[]> {
    const root = await realpath(path.resolve(folder));
    const loaded: string[] = [];
    for (const entry of (await readdir(root)).sort()) {
      if (!/\.(ts|js|mjs)$/.test(entry) || entry.endsWith('.d.ts') || /\.test\./.test(entry)) continue;
      const file = await realpath(path.join(root, entry));
      if (path.relative(root, file).startsWith('..') || path.isAbsolute(path.relative(root, file))) {
        throw new Error(`Custom node file ${entry} points outside ${root}`);
      }
      if (!(await stat(file)).isFile()) continue;
      const mod = await import(pathToFileURL(file).href);
      const exported = mod.default ?? mod.node;
      const list = Array.isArray(exported) ? exported : [exported];
      for (const candidate of list) {
        if (!candidate || typeof candidate.run !== 'function' || typeof candidate.type !== 'string' || !candidate.fieldKinds) {
          throw new Error(`${file}: the default export must be defineNode({...}) (or an array of them)`);
        }
        this.register(candidate as NodeType);
        loaded.push(candidate.type);
      }
    }
    return loaded;
  }

  /** Loads every folder of a `SWITCHYARD_NODES`-style list (comma or path-delimiter separated). */
  async loadFolders(list: string | undefined): Promise<string[]> {
    if (!list) return [];
    const loaded: string[] = [];
    for (const folder of list.split(/[,:]/).map((s) => s.trim()).filter(Boolean)) {
      loaded.push(...(await this.loadFolder(folder)));
    }
    return loaded;
  }
}
