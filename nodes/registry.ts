/**
 * The registry of node types: the built-ins plus custom node files loaded
 * from the folders listed in `SWITCHYARD_NODES` (`custom-folders.ts`), in
 * the server and in every worker alike; in the editor, rebuilt from
 * `/api/node-types`. No I/O here, so the browser uses the same class.
 */
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
}
