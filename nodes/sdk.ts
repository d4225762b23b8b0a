/**
 * The node SDK: one call, `defineNode`, turns a zod config schema and a `run`
 * function into a node type the engine can validate, compile, execute and the
 * editor can render a form for.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { defineNode, template } from 'switchyard/nodes/sdk';
 *
 * export default defineNode({
 *   type: 'text.shout',
 *   title: 'Shout',
 *   category: 'Text',
 *   description: 'Upper-cases a text.',
 *   config: z.object({ text: template() }),
 *   run: ({ config }) => ({ output: { text: config.text.toUpperCase() } }),
 * });
 * ```
 */
import { z } from 'zod';

/** How the engine treats a config field that holds user text. */
export type FieldKind = 'expression' | 'lazy-expression' | 'template';

/** Metadata key under which a field's kind is recorded (and shows up in the JSON Schema). */
export const FIELD_KIND_KEY = 'x-switchyard';

/**
 * A config field whose whole value is a JSONata expression. The engine
 * evaluates it against the node's scope before `run`, so `ctx.config.field`
 * holds the value, not the text.
 *
 * @example config: z.object({ expression: expression() })
 */
export function expression(description?: string): z.ZodType<unknown, string> {
  // Typed as producing `unknown`: by the time `run` sees it, the engine has replaced the text with its value.
  return z
    .string()
    .min(1, 'Expression is empty')
    .meta({ [FIELD_KIND_KEY]: 'expression', description: description ?? 'JSONata expression' }) as unknown as z.ZodType<unknown, string>;
}

/**
 * A JSONata field the node evaluates itself, several times (per collected
 * bundle, per row). `ctx.config.field` holds a {@link LazyExpression}.
 *
 * @example config: z.object({ value: lazyExpression().optional() })
 */
export function lazyExpression(description?: string): z.ZodType<LazyExpression, string> {
  return z
    .string()
    .min(1, 'Expression is empty')
    .meta({ [FIELD_KIND_KEY]: 'lazy-expression', description: description ?? 'JSONata expression, evaluated per item' }) as unknown as z.ZodType<
    LazyExpression,
    string
  >;
}

/**
 * A text field that may contain `{{ expr }}` placeholders. A field that is
 * exactly one placeholder keeps the value's type. Every plain string field of
 * a config is treated as a template anyway; `template()` only adds the hint
 * for the editor.
 */
export function template(description?: string) {
  return z.string().meta({ [FIELD_KIND_KEY]: 'template', ...(description ? { description } : {}) });
}

/** A compiled JSONata expression handed to a node for repeated evaluation. */
export interface LazyExpression {
  readonly source: string;
  /** Evaluates with `input` replaced by `bundle`; other scope names stay as in the step. */
  evaluate(bundle: unknown, extra?: Record<string, unknown>): Promise<unknown>;
}

/** What a node sees about the run it is part of. */
export interface RunInfo {
  id: string;
  scenarioId: string;
  startedAt: string;
  /** For webhook-started runs: method, path, query and headers (auth and signature headers redacted). */
  request?: { method: string; path: string; query: Record<string, unknown>; headers: Record<string, string> };
}

/** Structured logger handed to nodes; lines end up in the run's log with the step attached. */
export interface NodeLogger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** An outbound HTTP call, guarded against SSRF (see engine/http). */
export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
  /** Gives up after this many milliseconds, redirects included (the client's own limit still applies when shorter). */
  timeoutMs?: number;
  /** Follow redirects (each hop is re-checked by the guard). Default true. */
  followRedirects?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the response says it is JSON, else text. */
  body: unknown;
}

/** The engine's guarded HTTP client; every node that calls out uses it. */
export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
}

/** Everything a node's `run` receives. */
export interface NodeContext<C> {
  /** The bundle this step processes. */
  input: unknown;
  /** The node's config with templates and expressions resolved. */
  config: C;
  /** Decrypted secrets, for the node's own use; never copy them into the output. */
  secrets: Record<string, string>;
  /** Aborted when the step times out or the run is cancelled. */
  signal: AbortSignal;
  /** Stable across retries and across a worker crash: send it to APIs that de-duplicate. */
  idempotencyKey: string;
  /** 1 on the first try. */
  attempt: number;
  log: NodeLogger;
  run: RunInfo;
  http: HttpClient;
  /** The node's id in the scenario. */
  nodeId: string;
  /** Read-only settings of the scenario (e.g. `sensitive` attributes). */
  settings: Record<string, unknown>;
  /** Paths on disk that data nodes may read (SWITCHYARD_DATA_DIR and examples). */
  dataDirs: string[];
  /**
   * Stores a file with the run (a report, an export), downloadable from
   * `GET /api/runs/:id/artifacts/:name` and shown in the editor's run
   * inspector. A no-op where runs keep no history (`switchyard run`).
   */
  saveArtifact(name: string, contentType: string, body: string | Uint8Array): Promise<void>;
}

/** One output bundle, optionally on a named output port (`error`, `approved`, …). */
export interface NodeOutput {
  output: unknown;
  port?: string;
}

/** Ask the engine to park the run without holding a worker slot. */
export type NodeWait =
  | { wait: { kind: 'delay'; until: number } }
  | { wait: { kind: 'approval'; reviewers: string[]; message?: string } };

/** What `run` may return: one bundle, several (an iterator), or a wait. */
export type NodeRunResult = NodeOutput | NodeOutput[] | NodeWait;

/**
 * Engine-level behaviour of the few built-in types that shape the flow of
 * bundles rather than transform one. Custom node types leave it unset.
 */
export type NodeBehaviour = 'trigger' | 'start' | 'router' | 'iterator' | 'aggregator' | 'merge' | 'wait';

/** The shape of a drawn node, as in the seed diagram. */
export type NodeShape = 'circle' | 'rectangle' | 'diamond';

export interface NodeDefinition<S extends z.ZodType = z.ZodType> {
  /** Registered name, e.g. `http.request`; dotted lower-case by convention. */
  type: string;
  title: string;
  /** Palette group in the editor. */
  category: string;
  description: string;
  config: S;
  /** Named output ports besides the default one (`error` is always available). */
  outputs?: string[];
  /** Default drawing shape. */
  shape?: NodeShape;
  /** Built-in flow behaviour (engine use only). */
  behaviour?: NodeBehaviour;
  /**
   * True when running the node twice has no effect outside the run (a pure
   * mapping). The engine may batch the checkpoints of pure steps.
   */
  pure?: boolean;
  /** True for nodes that call out over the network; they get `http` and the SSRF guard. */
  outbound?: boolean;
  /**
   * Extra checks beyond the schema, run by the validator (and so shown in the
   * editor). Return problems with a path relative to `config`.
   */
  check?(config: z.output<S>): Array<{ path?: Array<string | number>; message: string; severity?: 'error' | 'warning' }>;
  run(ctx: NodeContext<z.output<S>>): NodeRunResult | Promise<NodeRunResult>;
}

/** A node type as the registry holds it: the definition plus what the engine derives once. */
export interface NodeType<S extends z.ZodType = z.ZodType> extends NodeDefinition<S> {
  /** Top-level config keys and how their text is treated. */
  fieldKinds: Record<string, FieldKind>;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current: any = schema;
  // optional/default/nullable wrappers keep the inner schema (and its meta) in def.innerType
  for (let i = 0; i < 8 && current?._zod?.def?.innerType; i++) {
    if (z.globalRegistry.get(current)?.[FIELD_KIND_KEY]) break;
    current = current._zod.def.innerType;
  }
  return current;
}

/** Finds the fields marked with {@link expression}, {@link lazyExpression} or {@link template}. */
export function fieldKindsOf(schema: z.ZodType): Record<string, FieldKind> {
  const kinds: Record<string, FieldKind> = {};
  const shape = (unwrap(schema) as any)?._zod?.def?.shape as Record<string, z.ZodType> | undefined;
  if (!shape) return kinds;
  for (const [key, field] of Object.entries(shape)) {
    const kind = z.globalRegistry.get(unwrap(field))?.[FIELD_KIND_KEY] as FieldKind | undefined;
    if (kind) kinds[key] = kind;
  }
  return kinds;
}

/**
 * Declares a node type. The returned object is what a node file default-exports.
 *
 * @example
 * ```ts
 * export default defineNode({
 *   type: 'math.double', title: 'Double', category: 'Math', description: 'Doubles input.n',
 *   config: z.object({}),
 *   run: ({ input }) => ({ output: { n: (input as { n: number }).n * 2 } }),
 * });
 * ```
 */
export function defineNode<S extends z.ZodType>(definition: NodeDefinition<S>): NodeType<S> {
  if (!/^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/i.test(definition.type)) {
    throw new Error(`defineNode: type "${definition.type}" must be dotted words like "crm.contact.upsert"`);
  }
  if (typeof definition.run !== 'function') throw new Error(`defineNode(${definition.type}): run must be a function`);
  return { ...definition, fieldKinds: fieldKindsOf(definition.config) };
}

/** True when a run result asks the engine to wait. */
export function isWait(result: NodeRunResult): result is NodeWait {
  return !Array.isArray(result) && typeof result === 'object' && result !== null && 'wait' in result;
}

export { z };
