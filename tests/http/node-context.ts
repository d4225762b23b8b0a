/**
 * Builds the context the engine hands a node's `run`, so node tests can call
 * `run` directly with a real guarded client and a stand-in server.
 */
import type { HttpClient, NodeContext, NodeType } from '../../nodes/sdk';
import { createHttpClient } from '../../engine/http';

export interface TestContextOptions {
  /** Values of expression fields, as the engine would have evaluated them. */
  evaluated?: Record<string, unknown>;
  input?: unknown;
  secrets?: Record<string, string>;
  http?: HttpClient;
  signal?: AbortSignal;
  idempotencyKey?: string;
  attempt?: number;
}

/** Parses `config` with the node's own schema (defaults applied), then lays the evaluated expression values over it. */
export function nodeContext(node: NodeType, config: Record<string, unknown>, options: TestContextOptions = {}): NodeContext<any> {
  const parsed = node.config.parse(config) as Record<string, unknown>;
  const logs: string[] = [];
  const log = (level: string) => (message: string) => void logs.push(`${level}: ${message}`);
  return {
    input: options.input ?? {},
    config: { ...parsed, ...options.evaluated },
    secrets: options.secrets ?? {},
    signal: options.signal ?? new AbortController().signal,
    idempotencyKey: options.idempotencyKey ?? 'run-1:step-1',
    attempt: options.attempt ?? 1,
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    run: { id: 'run-1', scenarioId: 'test', startedAt: new Date().toISOString() },
    http: options.http ?? createHttpClient({ allowHosts: ['127.0.0.1'] }),
    nodeId: 'n1',
    settings: {},
    dataDirs: [],
    saveArtifact: async () => undefined,
  };
}
