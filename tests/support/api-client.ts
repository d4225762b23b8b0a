/** A small fetch wrapper for API tests: JSON in, JSON (and text) out, one resend on a socket the server closed. */

export interface ApiInit {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  raw?: string | Buffer;
  /** Aborts the request (e.g. `AbortSignal.timeout(ms)`, so that a server that stopped answering fails the test). */
  signal?: AbortSignal;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/**
 * @example const { status, body } = await apiCall(service.url, '/api/scenarios', { body: doc });
 */
export async function apiCall(baseUrl: string, pathname: string, init: ApiInit = {}): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  let body: string | Buffer | undefined = init.raw;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const payload = typeof body === 'string' || body === undefined ? body : new Uint8Array(body);
  const send = () => fetch(baseUrl + pathname, { method: init.method ?? (body !== undefined ? 'POST' : 'GET'), headers, body: payload, signal: init.signal });
  // A kept-alive socket the server closed after its idle timeout (5 s, e.g. while a test computed) fails
  // the next request before it is sent; that one request is sent again on a fresh socket.
  const res = await send().catch((error: { cause?: { code?: string } }) => {
    if (error.cause?.code === 'ECONNRESET' || error.cause?.code === 'UND_ERR_SOCKET') return send();
    throw error;
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}
