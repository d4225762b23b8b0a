/**
 * The secret key: `SWITCHYARD_SECRET_KEY` (32 bytes as 64 hex digits or
 * base64), or in embedded mode a key generated once and kept in
 * `<dataDir>/secret.key` with mode 0600.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * @example parseSecretKey('00'.repeat(32)) // a 32-byte Buffer
 */
export function parseSecretKey(text: string, source = 'SWITCHYARD_SECRET_KEY'): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new Error(`${source} must be 32 bytes, written as 64 hex digits or base64 (e.g. \`openssl rand -base64 32\`); it decodes to ${key.length} bytes`);
  }
  return key;
}

export interface SecretKeyOptions {
  /** Usually `process.env.SWITCHYARD_SECRET_KEY`. */
  keyText?: string;
  /** Where the generated key is kept; default `./.switchyard`. */
  dataDir?: string;
}

/**
 * @example const key = await loadSecretKey({ keyText: process.env.SWITCHYARD_SECRET_KEY, dataDir: '.switchyard' });
 */
export async function loadSecretKey(options: SecretKeyOptions = {}): Promise<{ key: Buffer; source: 'env' | 'file' | 'generated'; file?: string }> {
  if (options.keyText) return { key: parseSecretKey(options.keyText), source: 'env' };
  const dir = path.resolve(options.dataDir ?? '.switchyard');
  const file = path.join(dir, 'secret.key');
  try {
    return { key: parseSecretKey(await readFile(file, 'utf8'), file), source: 'file', file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dir, { recursive: true });
  try {
    // `wx`: if another process created the file meanwhile, use theirs rather than overwrite it.
    await writeFile(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    await chmod(file, 0o600);
    return { key: parseSecretKey(await readFile(file, 'utf8'), file), source: 'generated', file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { key: parseSecretKey(await readFile(file, 'utf8'), file), source: 'file', file };
  }
}
