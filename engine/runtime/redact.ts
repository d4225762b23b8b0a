/**
 * Secret redaction: any secret value that finds its way into a step's
 * output, an error message or a log line is replaced before it is recorded.
 */

export type Redact = (value: unknown) => unknown;

export const REDACTED = '[redacted]';

const identity: Redact = (value) => value;

/**
 * One redactor per secrets object: the engine hands the same object to every
 * step of a segment (and the vault the same one until a secret changes), so
 * the sorting and escaping below happen once, not per step.
 */
const built = new WeakMap<Record<string, string>, Redact>();

/**
 * Builds a redactor for a set of secrets. Values shorter than 4 characters
 * are left alone: redacting "1" would mangle every number.
 *
 * @example redactor({ TOKEN: 's3cret' })({ auth: 'Bearer s3cret' }) // → { auth: 'Bearer [redacted]' }
 */
export function redactor(secrets: Record<string, string>): Redact {
  const known = built.get(secrets);
  if (known) return known;
  const redact = build(secrets);
  built.set(secrets, redact);
  return redact;
}

function build(secrets: Record<string, string>): Redact {
  const values = Object.values(secrets).filter((v) => typeof v === 'string' && v.length >= 4).sort((a, b) => b.length - a.length);
  if (values.length === 0) return identity;
  // As a secret appears inside JSON text: quotes, backslashes and control characters escaped.
  const needles = [...new Set(values.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))];
  const scrub = (text: string) => {
    let out = text;
    for (const secret of values) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };
  return (value) => {
    if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') return value;
    if (typeof value === 'string') return scrub(value);
    const text = JSON.stringify(value);
    if (text === undefined || !needles.some((s) => text.includes(s))) return value;
    return JSON.parse(scrub(text));
  };
}
