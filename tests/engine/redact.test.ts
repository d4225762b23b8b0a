/**
 * Secret redaction (`engine/runtime/redact.ts`): what a step outputs, logs or
 * fails with never carries a secret's value, whatever characters the secret
 * holds, and data that merely looks like a secret's text is left alone —
 * checked on random outputs, JSONata's prototype-less objects, Dates and URLs among them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactor } from '../../engine/runtime/redact';

const SECRETS = { TOKEN: 's3cret-token', QUOTED: 'pa"ss', PIN: '12345' };

/** Every string and key of a value as JSON would write it (a Date as its text), to look for secrets in. */
function texts(value: unknown): string[] {
  const parsed: unknown = JSON.parse(JSON.stringify(value) ?? 'null');
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        out.push(k);
        walk(item);
      }
    }
  };
  walk(parsed);
  return out;
}

/** Step outputs as they come: JSON, JSONata's prototype-less objects, now and then a Date or a URL; strings that may hold a secret. */
const text = fc.oneof(fc.string(), fc.constantFrom('s3cret-token', 'Bearer s3cret-token', 'pa"ss!', '12345', 'pa', 'plain'));
const { output } = fc.letrec<{ output: unknown }>((tie) => ({
  output: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.constantFrom(null, true, 12345, 0.5),
    fc.date({ noInvalidDate: true }),
    // Objects that write themselves as JSON text of their own, a secret in it.
    fc.constantFrom(new URL('https://api.example.com/v1?key=s3cret-token'), new URL('https://api.example.com/v1')),
    fc.array(tie('output'), { maxLength: 3 }),
    fc.dictionary(text, tie('output'), { maxKeys: 3 }),
    fc.dictionary(text, tie('output'), { maxKeys: 3 }).map((d) => Object.assign(Object.create(null), d)),
  ),
}));

describe('redactor', () => {
  it('redacts a secret inside strings, nested values and keys', () => {
    const redact = redactor({ TOKEN: 's3cret-token' });
    expect(redact({ auth: 'Bearer s3cret-token', list: ['x', { deep: 's3cret-token!' }], 's3cret-token': 1 })).toEqual({
      auth: `Bearer ${REDACTED}`,
      list: ['x', { deep: `${REDACTED}!` }],
      [REDACTED]: 1,
    });
    expect(redact('echo s3cret-token')).toBe(`echo ${REDACTED}`);
  });

  it('redacts a secret holding quotes or backslashes, which JSON text escapes', () => {
    const redact = redactor({ QUOTED: 'pa"ss-word', SLASHED: 'C:\\keys\\prod' });
    const out = redact({ header: 'key pa"ss-word', path: ['C:\\keys\\prod\\id'] });
    expect(JSON.stringify(out)).not.toContain('pa\\"ss-word');
    expect(out).toEqual({ header: `key ${REDACTED}`, path: [`${REDACTED}\\id`] });
  });

  it('redacts a secret that a service echoed back escaped: in JSON text inside an error message, or in a URL', () => {
    const secret = 'we"ird\\val/ue<>&';
    const redact = redactor({ LEAKY: secret });
    // A content API answering 400 with the query value quoted in its JSON body, and that body quoted in turn.
    const body = JSON.stringify({ error: `not "${secret}"` });
    const message = `GET https://content.example.com/v1?q=${encodeURIComponent(secret)} → 400: ${body} (${JSON.stringify(body)})`;
    const out = redact({ error: { message } }) as { error: { message: string } };
    expect(out.error.message).toBe(`GET https://content.example.com/v1?q=${REDACTED} → 400: ${JSON.stringify({ error: `not "${REDACTED}"` })} (${JSON.stringify(JSON.stringify({ error: `not "${REDACTED}"` }))})`);
    expect(redact(message)).toBe(out.error.message);
  });

  it('leaves numbers and literals alone when a secret reads like one', () => {
    // A PIN-like secret, or one that is the word "true": JSON text of ordinary data contains both.
    const redact = redactor({ PIN: '12345', WORD: 'true' });
    expect(redact({ orderId: 1234567, ok: true, note: 'pin 12345' })).toEqual({ orderId: 1234567, ok: true, note: `pin ${REDACTED}` });
  });

  it('leaves no secret in any string or key of random outputs, and changes nothing else', () => {
    const redact = redactor(SECRETS);
    const secrets = Object.values(SECRETS);
    fc.assert(
      fc.property(output, (value) => {
        const out = redact(value);
        for (const t of texts(out)) for (const secret of secrets) expect(t).not.toContain(secret);
        const clean = texts(value).every((t) => secrets.every((secret) => !t.includes(secret)));
        // Redacting the JSON's own parse gives the same text: a Date or a prototype-less object changes nothing.
        expect(JSON.stringify(out)).toBe(JSON.stringify(clean ? value : redact(JSON.parse(JSON.stringify(value)))));
      }),
      { numRuns: 500 },
    );
  });

  it('hands back the very same value when no secret is in it', () => {
    const redact = redactor({ TOKEN: 's3cret-token' });
    const value = { a: [1, 2], b: 'plain' };
    expect(redact(value)).toBe(value);
  });
});
