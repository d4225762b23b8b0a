/**
 * AES-256-GCM for secret values. The secret's name is bound in as
 * additional authenticated data, so a ciphertext copied onto another name
 * does not decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'v1';

/**
 * @example const stored = encryptSecret(key, 'BRAZE_KEY', 'sk-live-…'); // 'v1:<iv>:<tag>:<ciphertext>'
 */
export function encryptSecret(key: Buffer, name: string, value: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(name, 'utf8'));
  const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return [PREFIX, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
}

/**
 * Throws when the key is wrong or the text was tampered with.
 * @example decryptSecret(key, 'BRAZE_KEY', stored) // 'sk-live-…'
 */
export function decryptSecret(key: Buffer, name: string, stored: string): string {
  const [prefix, iv, tag, body] = stored.split(':');
  if (prefix !== PREFIX || !iv || !tag || body === undefined) throw new Error(`Secret "${name}" is not in a format this version can read`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(name, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new Error(`Secret "${name}" cannot be decrypted: SWITCHYARD_SECRET_KEY differs from the key it was stored with`);
  }
}
