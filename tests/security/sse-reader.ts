/** Reads a server-sent event stream over fetch until a predicate on the text holds (or time runs out), then cancels it. */

/**
 * @example const text = await readEvents(`${url}/api/runs/${id}/events`, (t) => t.includes('run.finished'));
 */
export async function readEvents(url: string, done: (text: string) => boolean, timeoutMs = 20_000, headers: Record<string, string> = {}): Promise<string> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let text = '';
  try {
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
    if (!res.ok || !res.body) throw new Error(`${url}: ${res.status}`);
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      if (done(text)) break;
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return text;
}
