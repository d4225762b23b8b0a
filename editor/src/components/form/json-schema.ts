/** The part of JSON Schema (as zod's `toJSONSchema` writes it) the generated forms understand. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  title?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  minimum?: number;
  maximum?: number;
  format?: string;
  'x-switchyard'?: 'expression' | 'lazy-expression' | 'template';
}

/** The single non-null branch of a `T | null` union, so nullable fields get T's widget. */
export function simplify(schema: JsonSchema): JsonSchema {
  const branches = schema.anyOf ?? schema.oneOf;
  if (!branches) return schema;
  const real = branches.filter((b) => b.type !== 'null');
  if (real.length === 1) return { ...real[0], description: schema.description ?? real[0].description, default: schema.default ?? real[0].default };
  // A union of constants reads as an enum.
  if (real.every((b) => b.const !== undefined)) return { type: 'string', enum: real.map((b) => b.const), description: schema.description };
  return schema;
}

/** The widget a field gets. */
export function widgetOf(schema: JsonSchema): 'expression' | 'template' | 'enum' | 'string' | 'number' | 'boolean' | 'object' | 'record' | 'array' | 'json' {
  const s = simplify(schema);
  if (s['x-switchyard'] === 'expression' || s['x-switchyard'] === 'lazy-expression') return 'expression';
  if (s.enum) return 'enum';
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (type === 'string') return s['x-switchyard'] === 'template' ? 'template' : 'string';
  if (type === 'number' || type === 'integer') return 'number';
  if (type === 'boolean') return 'boolean';
  if (type === 'object' && s.properties) return 'object';
  if (type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object' && simplify(s.additionalProperties).type === 'string') return 'record';
  if (type === 'array' && s.items) {
    const item = widgetOf(s.items);
    return item === 'json' ? 'json' : 'array';
  }
  return 'json';
}
