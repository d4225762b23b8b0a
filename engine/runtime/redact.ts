/**
 * Secret redaction: any secret value that finds its way into a step's
 * output, an error message or a log line is replaced before it is recorded.
 */

export type Redact = (value: unknown) => unknown;

export const REDACTED = '[redacted]';

/**
 * Builds a redactor for a set of secrets. Values shorter than 4 characters
 * are left alone: redacting "1" would mangle every number.
 *
 * @example redactor({ TOKEN: 's3cret' })({ auth: 'Bearer s3cret' }) // → { auth: 'Bearer [redacted]' }
 */
export function redactor(secrets: Record<string, string>): Redact {
  const values = Object.values(secrets).filter((v) => typeof v === 'string' && v.length >= 4).sort((a, b) => b.length - a.length);
  if (values.length === 0) return (value) => value;
  const scrub = (text: string) => {
    let out = text;
    for (const secret of values) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };
  return (value) => {
    if (value === undefined) return value;
    if (typeof value === 'string') return scrub(value);
    const text = JSON.stringify(value);
    if (text === undefined || !values.some((s) => text.includes(s) || text.includes(JSON.stringify(s).slice(1, -1)))) return value;
    return JSON.parse(scrub(text));
  };
}
