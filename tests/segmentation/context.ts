/**
 * Builds the context a node's `run` receives, for calling segmentation node
 * types directly until the run engine drives them.
 */
import type { NodeContext, NodeType, NodeRunResult, HttpClient } from '../../nodes/sdk';

const quietLog = { debug() {}, info() {}, warn() {}, error() {} };

/** An HTTP client that speaks plain fetch to 127.0.0.1 stand-ins (the engine's guarded client replaces it in real runs). */
export const localHttp: HttpClient = {
  async request(req) {
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body as string | undefined, signal: req.signal });
    const text = await res.text();
    const json = (res.headers.get('content-type') ?? '').includes('json');
    return { status: res.status, headers: Object.fromEntries(res.headers), body: json && text ? JSON.parse(text) : text };
  },
};

export function nodeContext<C>(config: C, input: unknown, extra: Partial<NodeContext<C>> = {}): NodeContext<C> {
  return {
    input,
    config,
    secrets: {},
    signal: new AbortController().signal,
    idempotencyKey: 'run-1:step-1',
    attempt: 1,
    log: quietLog,
    run: { id: 'run-1', scenarioId: 'test', startedAt: new Date().toISOString() },
    http: localHttp,
    nodeId: 'n1',
    settings: {},
    dataDirs: [],
    saveArtifact: async () => undefined,
    ...extra,
  };
}

/** Runs a node type once and returns its single output bundle. */
export async function runNode(type: NodeType, config: unknown, input: unknown, extra: Partial<NodeContext<unknown>> = {}): Promise<any> {
  const result: NodeRunResult = await type.run(nodeContext(config, input, extra) as never);
  if (Array.isArray(result) || !('output' in result)) throw new Error(`${type.type} did not return one bundle`);
  return result.output;
}
