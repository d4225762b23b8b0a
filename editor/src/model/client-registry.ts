/**
 * A registry rebuilt from `/api/node-types` so the browser runs the same
 * `validateScenario` as the server: each config's JSON Schema becomes a zod
 * schema again, and the `x-switchyard` marks become field kinds. What cannot
 * cross the wire (a node type's extra `check`) is caught by the server on save.
 */
import { z } from 'zod';
import { NodeRegistry } from '../../../nodes/registry';
import type { FieldKind, NodeType } from '../../../nodes/sdk';
import type { NodeTypeDescription } from '../api/types';

type JsonSchema = { properties?: Record<string, { 'x-switchyard'?: FieldKind }> };

/**
 * @example const { problems } = validateScenario(doc, clientRegistry(descriptions));
 */
export function clientRegistry(descriptions: ReadonlyArray<NodeTypeDescription>): NodeRegistry {
  const types = new Map<string, NodeType>();
  for (const d of descriptions) {
    let config: z.ZodType;
    try {
      config = z.fromJSONSchema(d.configSchema as Parameters<typeof z.fromJSONSchema>[0]);
    } catch {
      // A schema zod cannot read back still validates as "some object"; the server has the last word.
      config = z.record(z.string(), z.unknown());
    }
    const fieldKinds: Record<string, FieldKind> = {};
    for (const [key, field] of Object.entries((d.configSchema as JsonSchema)?.properties ?? {})) {
      if (field?.['x-switchyard']) fieldKinds[key] = field['x-switchyard'];
    }
    types.set(d.type, {
      type: d.type, title: d.title, category: d.category, description: d.description, config,
      outputs: d.outputs, shape: d.shape as NodeType['shape'], behaviour: d.behaviour as NodeType['behaviour'], fieldKinds,
      run: () => { throw new Error('Node types run on the server'); },
    });
  }
  // Whole-scenario checks (the segmentation guardrail) are not registered here: they run on the server.
  return new NodeRegistry(types.values());
}
