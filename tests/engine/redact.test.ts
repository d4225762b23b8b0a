/**
 * Secret redaction (`engine/runtime/redact.ts`): what a step outputs, logs or
 * fails with never carries a secret's value, whatever characters the secret
 * holds, and data that merely looks like a secret's text is left alone.
 */
import { describe, expect, it } from 'vitest';
import { REDACTED, redactor } from '../../engine/runtime/redact';

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

  it('leaves numbers and literals alone when a secret reads like one', () => {
    // A PIN-like secret, or one that is the word "true": JSON text of ordinary data contains both.
    const redact = redactor({ PIN: '12345', WORD: 'true' });
    expect(redact({ orderId: 1234567, ok: true, note: 'pin 12345' })).toEqual({ orderId: 1234567, ok: true, note: `pin ${REDACTED}` });
  });

  it('hands back the very same value when no secret is in it', () => {
    const redact = redactor({ TOKEN: 's3cret-token' });
    const value = { a: [1, 2], b: 'plain' };
    expect(redact(value)).toBe(value);
  });
});
