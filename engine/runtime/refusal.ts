/**
 * The engine refusing a request on a run for a reason the caller can fix
 * (a reviewer the approval does not name, a retry of a live run). It carries
 * the HTTP status and code the API answers with, and its message is whole:
 * callers show it as it is. Refusals live in the engine, not the API, so a
 * program that embeds the engine gets the same answers as an HTTP client.
 */
export class RunRefusal extends Error {
  override readonly name = 'RunRefusal';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Paths into the request, relative to its argument (`by` of a decision). */
    readonly issues: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
  }
}
