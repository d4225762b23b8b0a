/**
 * Secret redaction: any secret value that finds its way into a step's
 * output, an error message or a log line is replaced before it is recorded.
 */

export type Redact = (value: unknown) => unknown;

/** A redactor for values, which can also tell whether JSON text about to be stored holds a secret at all. */
export interface Redactor extends Redact {
  /** Whether a secret (as JSON text escapes it) appears anywhere in `text`. */
  finds(text: string): boolean;
}

export const REDACTED = '[redacted]';

const identity: Redactor = Object.assign((value: unknown) => value, { finds: () => false });

/**
 * One redactor per secrets object: the engine hands the same object to every
 * step of a segment (and the vault the same one until a secret changes), so
 * the sorting and escaping below happen once, not per step.
 */
const built = new WeakMap<Record<string, string>, Redactor>();

/**
 * Builds a redactor for a set of secrets. Values shorter than 4 characters
 * are left alone: redacting "1" would mangle every number.
 *
 * @example redactor({ TOKEN: 's3cret' })({ auth: 'Bearer s3cret' }) // → { auth: 'Bearer [redacted]' }
 */
export function redactor(secrets: Record<string, string>): Redactor {
  const known = built.get(secrets);
  if (known) return known;
  const redact = build(secrets);
  built.set(secrets, redact);
  return redact;
}

function build(secrets: Record<string, string>): Redactor {
  const secretValues = Object.values(secrets).filter((v) => typeof v === 'string' && v.length >= 4);
  if (secretValues.length === 0) return identity;
  // The forms a secret takes inside a string, longest first: as it is; escaped as JSON text, once or twice
  // (a service's error body quoted in an error message, which may itself be quoted); percent-encoded (a URL).
  const values = [...new Set(secretValues.flatMap((s) => [s, jsonEscaped(s), jsonEscaped(jsonEscaped(s)), encodeURIComponent(s)]))].sort((a, b) => b.length - a.length);
  // As those appear inside the JSON text of a whole value: quotes, backslashes and control characters escaped.
  const needles = [...new Set(values.flatMap((s) => [s, jsonEscaped(s)]))];
  const scrub = (text: string) => {
    let out = text;
    for (const secret of values) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };
  // Strings and keys only: a secret such as "12345" or "true" also matches JSON text that is a number
  // or a literal, which must stay as it is (replacing it there made the text unreadable).
  const scrubDeep = (value: unknown): unknown => {
    if (typeof value === 'string') return scrub(value);
    if (Array.isArray(value)) return value.map(scrubDeep);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [scrub(k), scrubDeep(v)]));
    return value;
  };
  // One pass over the JSON text tells whether a secret is anywhere in the value: almost always not.
  const holdsSecret = (text: string) => needles.some((s) => text.includes(s));
  // Most keys and strings a step outputs are shorter than any secret: one comparison instead of a search per secret.
  const shortest = values[values.length - 1].length;
  const inText = (text: string) => {
    if (text.length < shortest) return false;
    for (const secret of values) if (text.includes(secret)) return true; // a loop, not .some: no closure per string
    return false;
  };
  /**
   * Whether a secret is in a string or key of a value made of JSON's own parts (plain objects, also
   * JSONata's prototype-less ones, arrays, primitives), without writing its JSON text: a step's output
   * is looked through at every step, and serializing it only to search it showed in the profile.
   * Undefined for anything else (a Date, a Buffer, something too deep or cyclic): the JSON text decides.
   */
  const seen = (value: unknown, depth: number): boolean | undefined => {
    if (typeof value === 'string') return inText(value);
    if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return false;
    if (typeof value !== 'object' || depth > 64) return undefined;
    // Index and for-in loops, no iterator or key list per value: this walk runs on every step's output
    // and should allocate nothing (docs/performance.md, fix 27). for-in also visits inherited enumerable
    // keys, which a plain object has none of; were one added, it would only be looked through too.
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const found = seen(value[i], depth + 1);
        if (found !== false) return found;
      }
      return false;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return undefined;
    for (const key in value) {
      if (inText(key)) return true;
      const found = seen((value as Record<string, unknown>)[key], depth + 1);
      if (found !== false) return found;
    }
    return false;
  };
  const redact: Redact = (value) => {
    if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') return value;
    if (typeof value === 'string') return scrub(value);
    if (seen(value, 0) === false) return value;
    const text = JSON.stringify(value);
    if (text === undefined || !holdsSecret(text)) return value;
    // Parsed back as JSON first, so what is redacted is exactly what would be stored.
    return scrubDeep(JSON.parse(text));
  };
  return Object.assign(redact, { finds: holdsSecret });
}

/** A string as JSON text writes it between its quotes. */
function jsonEscaped(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}
