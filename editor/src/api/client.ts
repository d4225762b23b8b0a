/**
 * The editor's only way to the engine: small typed calls over the HTTP API.
 * Errors become {@link ApiError} with the server's `issues`, so validation
 * problems from a 400 can be pinned on nodes like client-side ones.
 */
import type { ApiIssue, ImportResult, RunOverview, RunRecord, ScenarioSummary, ScenarioVersion, StepRecord, StoredScenario, NodeTypeDescription, Scenario } from './types';

/** An error answer of the API (`{ error: { code, message, issues } }`). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly issues: ApiIssue[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function call<T>(method: string, path: string, body?: unknown, text = false): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = localStorage.getItem('switchyard.token');
  if (token) headers.authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (body !== undefined) {
    headers['content-type'] = text ? 'text/plain' : 'application/json';
    payload = text ? String(body) : JSON.stringify(body);
  }
  const res = await fetch(`/api${path}`, { method, headers, body: payload });
  if (res.status === 204) return undefined as T;
  const data = await res.json().catch(() => undefined);
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string; issues?: ApiIssue[] } } | undefined)?.error;
    throw new ApiError(e?.message ?? `${method} ${path} answered ${res.status}`, res.status, e?.code ?? 'http', e?.issues ?? []);
  }
  return data as T;
}

/** Lists may come bare or as `{ items }`; the editor accepts both. */
function items<T>(data: T[] | { items: T[] }): T[] {
  return Array.isArray(data) ? data : (data?.items ?? []);
}

/**
 * Typed calls to `/api`.
 *
 * @example const scenarios = await api.listScenarios();
 */
export const api = {
  nodeTypes: async () => items(await call<NodeTypeDescription[] | { items: NodeTypeDescription[] }>('GET', '/node-types')),
  listScenarios: async () => items(await call<ScenarioSummary[] | { items: ScenarioSummary[] }>('GET', '/scenarios')),
  getScenario: (id: string) => call<StoredScenario>('GET', `/scenarios/${encodeURIComponent(id)}`),
  createScenario: (doc: Scenario) => call<StoredScenario>('POST', '/scenarios', doc),
  saveScenario: (doc: Scenario) => call<StoredScenario>('PUT', `/scenarios/${encodeURIComponent(doc.id)}`, doc),
  deleteScenario: (id: string) => call<void>('DELETE', `/scenarios/${encodeURIComponent(id)}`),
  publishScenario: (id: string, version?: number) => call<StoredScenario>('POST', `/scenarios/${encodeURIComponent(id)}/publish`, version ? { version } : {}),
  versions: async (id: string) => items(await call<ScenarioVersion[] | { items: ScenarioVersion[] }>('GET', `/scenarios/${encodeURIComponent(id)}/versions`)),
  version: (id: string, version: number) => call<{ id: string; version: number; scenario: Scenario }>('GET', `/scenarios/${encodeURIComponent(id)}/versions/${version}`),
  startRun: (id: string, input: unknown) => call<{ runId: string }>('POST', `/scenarios/${encodeURIComponent(id)}/runs`, input ?? {}),
  listRuns: (query: { scenarioId?: string; status?: string; limit?: number; cursor?: string }) => {
    const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)]));
    return call<{ items: RunRecord[]; nextCursor?: string | null }>('GET', `/runs?${q}`);
  },
  /** The run with each step summarised, without the steps' input and output (`?steps=summary`): what following a run needs. */
  getRunOverview: (id: string) => call<RunOverview>('GET', `/runs/${encodeURIComponent(id)}?steps=summary`),
  /** One step in full; `index` (its place in the run's steps) tells apart the steps that share an id. */
  getRunStep: (id: string, stepId: string, index: number) =>
    call<StepRecord>('GET', `/runs/${encodeURIComponent(id)}/steps/${encodeURIComponent(stepId)}?index=${index}`),
  /**
   * Where the run's live events stream, its snapshot an overview. `EventSource` cannot send the
   * Authorization header, so a stored API token goes as `access_token`, which the server takes on
   * event streams only; without it a guarded server refused the stream and the run was followed by
   * polling once a second.
   */
  runEventsUrl: (id: string) => {
    const token = localStorage.getItem('switchyard.token');
    return `/api/runs/${encodeURIComponent(id)}/events?steps=summary${token ? `&access_token=${encodeURIComponent(token)}` : ''}`;
  },
  /**
   * Resumes an incomplete run from its broken node; `version` runs the rest with a fixed scenario version.
   * Like cancelling and deciding, it answers the run's overview after the action (`?steps=summary`), not its whole record.
   */
  resumeRun: (id: string, version?: number) => call<RunOverview>('POST', `/runs/${encodeURIComponent(id)}/resume?steps=summary`, version ? { version } : {}),
  retryRun: (id: string) => call<{ runId: string } | RunRecord>('POST', `/runs/${encodeURIComponent(id)}/retry`, {}),
  cancelRun: (id: string) => call<RunOverview>('POST', `/runs/${encodeURIComponent(id)}/cancel?steps=summary`, {}),
  decide: (runId: string, nodeId: string, decision: 'approved' | 'rejected', by: string, comment?: string) =>
    call<RunOverview>('POST', `/runs/${encodeURIComponent(runId)}/approvals/${encodeURIComponent(nodeId)}?steps=summary`, { decision, by, comment }),
  /** Converts a file's text (a Make blueprint, the seeds' text diagram, a workflow record, a v1 document) into a scenario. */
  importFile: (text: string, filename?: string) => call<ImportResult>('POST', `/import${filename ? `?filename=${encodeURIComponent(filename)}` : ''}`, text, true),
};
