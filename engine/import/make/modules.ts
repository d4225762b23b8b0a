/**
 * Make modules Switchyard has a node type for, and how their mapper becomes
 * that type's config. Anything not listed becomes a `placeholder` that keeps
 * the module name and mapper for whoever configures it.
 */
import { isRecord } from '../json-text';
import type { FormulaContext, PathSegment } from './formula';
import { isMapped, jsonBodyToExpression, toExpression, toTemplate, valueToExpression } from './mapping';

export interface MappedModule {
  type: string;
  config: Record<string, unknown>;
  label: string;
  /** What still needs doing, in the user's words. */
  notes: string[];
}

/** How a module's Make output names map onto the Switchyard node's output (`data` → `body` for HTTP). */
export type OutputRename = (path: PathSegment[]) => PathSegment[];

const HTTP_OUTPUT: Record<string, string> = { data: 'body', statusCode: 'status', headers: 'headers' };

/** Error-handler directives: they set a node's `onError` instead of becoming nodes. */
export const DIRECTIVES = new Set(['builtin:Ignore', 'builtin:Resume', 'builtin:Break', 'builtin:Commit', 'builtin:Rollback']);

const LABELS: Record<string, string> = {
  'gateway:CustomWebHook': 'Custom webhook',
  'gateway:WebhookRespond': 'Webhook response',
  'builtin:BasicRouter': 'Router',
  'builtin:BasicIfElse': 'If-else',
  'builtin:BasicMerge': 'Merge',
  'builtin:BasicFeeder': 'Iterator',
  'builtin:BasicAggregator': 'Array aggregator',
  'json:ParseJSON': 'Parse JSON',
  'json:TransformToJSON': 'Create JSON',
  'util:SetVariable': 'Set variable',
  'util:SetVariable2': 'Set variable',
  'util:SetVariables': 'Set variables',
  'util:ComposeTransformer': 'Compose a string',
  'util:FunctionSleep': 'Sleep',
};

/** The Switchyard output path for a Make output path of this module. */
export function outputRename(module: string): OutputRename | undefined {
  if (module.startsWith('http:')) {
    return (path) => (path[0] && 'field' in path[0] && HTTP_OUTPUT[path[0].field] ? [{ field: HTTP_OUTPUT[path[0].field] }, ...path.slice(1)] : path);
  }
  if (module === 'builtin:BasicAggregator') {
    return (path) => (path[0] && 'field' in path[0] && path[0].field === 'array' ? [{ field: 'items' }, ...path.slice(1)] : path);
  }
  return undefined;
}

function nameValueList(list: unknown, ctx: FormulaContext): Record<string, string> | undefined {
  if (!Array.isArray(list)) return undefined;
  const out: Record<string, string> = {};
  for (const item of list) {
    if (isRecord(item) && typeof item.name === 'string' && item.name) out[item.name] = toTemplate(String(item.value ?? ''), ctx);
  }
  return Object.keys(out).length ? out : undefined;
}

function httpRequest(module: string, mapper: Record<string, unknown>, parameters: Record<string, unknown>, ctx: FormulaContext): MappedModule {
  const notes: string[] = [];
  const rawMethod = typeof mapper.method === 'string' ? mapper.method : module === 'http:ActionGetFile' ? 'get' : 'get';
  let method = rawMethod.toUpperCase();
  if (isMapped(rawMethod) || !['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].includes(method)) {
    notes.push(`the method "${rawMethod}" is not a fixed HTTP method; set it`);
    method = 'GET';
  }
  const config: Record<string, unknown> = { method };
  if (typeof mapper.url === 'string' && mapper.url) config.url = toTemplate(mapper.url, ctx);
  else notes.push('set the URL');
  const headers = nameValueList(mapper.headers, ctx);
  if (headers) config.headers = headers;
  const query = nameValueList(mapper.queryParameters ?? mapper.qs, ctx);
  if (query) config.query = query;
  const bodyText = [mapper.jsonStringBodyContent, mapper.data, mapper.body, mapper.bodyContent].find((b) => typeof b === 'string' && b.trim()) as string | undefined;
  const contentType = String(mapper.contentType ?? mapper.bodyType ?? '');
  if (bodyText !== undefined) {
    if (mapper.inputMethod === 'jsonString' || /json/i.test(contentType) || /^\s*[{[]/.test(bodyText)) {
      const body = jsonBodyToExpression(bodyText, ctx);
      config.body = body.expression;
      if (!body.json) notes.push('the body is not JSON once its placeholders are set aside; it is sent as text — check it');
    } else {
      config.body = toExpression(bodyText, ctx);
    }
  } else if (isRecord(mapper.dataStructureBodyContent) || Array.isArray(mapper.formFields)) {
    config.body = valueToExpression(mapper.dataStructureBodyContent ?? Object.fromEntries((mapper.formFields as Array<Record<string, unknown>>).filter(isRecord).map((f) => [String(f.key ?? f.name), f.value])), ctx);
    if (Array.isArray(mapper.formFields)) notes.push('the body was a form; it is now sent as a JSON object — set a Content-Type header if the API needs form encoding');
  }
  if (typeof mapper.timeout === 'number' || (typeof mapper.timeout === 'string' && /^\d+$/.test(mapper.timeout))) config.timeoutMs = Number(mapper.timeout) * 1000;
  const auth = String(parameters.authenticationType ?? (/BasicAuth/.test(module) ? 'basicAuth' : /APIKey/i.test(module) ? 'apiKey' : 'noAuth'));
  if (auth !== 'noAuth') notes.push(`Make used "${auth}" authentication; set the node's auth (bearer, basic or header) with {{ secrets.NAME }}`);
  return { type: 'http.request', config, label: `HTTP ${method} ${hostOf(mapper.url)}`.trim(), notes };
}

function hostOf(url: unknown): string {
  if (typeof url !== 'string') return '';
  return /^https?:\/\/([^/{]+)/.exec(url)?.[1] ?? '';
}

/**
 * The node a Make module becomes (flow modules — routers, if-else, merge,
 * directives — are handled by the blueprint walker; they get their node here too).
 *
 * @example mapModule({ module: 'json:ParseJSON', mapper: { json: '{{1.data}}' } }, ctx).type // → 'transform'
 */
export function mapModule(raw: Record<string, unknown>, ctx: FormulaContext, feederNodeId: (id: unknown) => string | undefined): MappedModule {
  const module = typeof raw.module === 'string' ? raw.module : 'unknown';
  const mapper = isRecord(raw.mapper) ? raw.mapper : {};
  const parameters = isRecord(raw.parameters) ? raw.parameters : {};
  const label = LABELS[module] ?? module;
  const transform = (expression: string, notes: string[] = []): MappedModule => ({ type: 'transform', config: { expression }, label, notes });

  switch (module) {
    case 'gateway:CustomWebHook':
      return { type: 'trigger.webhook', config: {}, label, notes: [] };
    case 'builtin:BasicRouter':
      return { type: 'router', config: { mode: 'all' }, label, notes: [] };
    case 'builtin:BasicIfElse':
      return { type: 'router', config: { mode: 'first' }, label, notes: [] };
    case 'builtin:BasicMerge':
      return { type: 'merge', config: {}, label, notes: [] };
    case 'builtin:BasicFeeder':
      return { type: 'iterator', config: { items: mapper.array !== undefined ? valueToExpression(mapper.array, ctx) : 'input' }, label, notes: [] };
    case 'builtin:BasicAggregator': {
      const iterator = feederNodeId(parameters.feeder);
      const config: Record<string, unknown> = { iterator: iterator ?? '' };
      if (Object.keys(mapper).length) config.value = valueToExpression(mapper, ctx);
      return { type: 'aggregator', config, label, notes: iterator ? [] : ['name the iterator whose bundles it collects (Make gave no feeder)'] };
    }
    case 'json:ParseJSON':
      // $eval of JSON text is JSONata parsing a literal, inside the expression limits; no JavaScript runs.
      return transform(`$eval(${mapper.json !== undefined ? valueToExpression(mapper.json, ctx) : 'input'})`);
    case 'json:TransformToJSON':
      return transform(`{ "json": $string(${mapper.object !== undefined ? valueToExpression(mapper.object, ctx) : 'input'}) }`);
    case 'util:SetVariable':
    case 'util:SetVariable2': {
      const name = typeof mapper.name === 'string' && mapper.name ? mapper.name : 'value';
      return transform(`{ ${JSON.stringify(name)}: ${valueToExpression(mapper.value ?? null, ctx)} }`);
    }
    case 'util:SetVariables': {
      const vars = Array.isArray(mapper.variables) ? mapper.variables.filter(isRecord) : [];
      return transform(`{ ${vars.map((v) => `${JSON.stringify(String(v.name ?? 'value'))}: ${valueToExpression(v.value ?? null, ctx)}`).join(', ')} }`);
    }
    case 'util:ComposeTransformer':
      return transform(`{ "value": ${valueToExpression(mapper.value ?? '', ctx)} }`);
    case 'util:FunctionSleep':
      return { type: 'delay', config: { ms: Math.round(Number(mapper.duration ?? 1) * 1000) }, label, notes: [] };
    case 'gateway:WebhookRespond':
      return transform(`{ "status": ${valueToExpression(mapper.status ?? 200, ctx)}, "body": ${valueToExpression(mapper.body ?? '', ctx)} }`, [
        'Make answered the webhook here; set the webhook trigger\'s respond to "result" to send this back',
      ]);
    default:
      if (module.startsWith('http:')) return httpRequest(module, mapper, parameters, ctx);
      return {
        type: 'placeholder',
        config: { module, ...(Object.keys(mapper).length ? { mapper } : {}), ...(Object.keys(parameters).length ? { parameters } : {}) },
        label,
        notes: [`needs configuring: no node type for Make module "${module}" yet`],
      };
  }
}

/** Whether the first module of a blueprint is a trigger in Make's sense (polling "watch…" modules too). */
export function looksLikeTrigger(module: string): boolean {
  return /:(watch|trigger|new|listen)/i.test(module) || /^gateway:/.test(module);
}
