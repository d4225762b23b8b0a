/**
 * The secret vault: encrypts on the way into the store, decrypts on the way
 * to the engine. Values leave only through `all()`, which the engine reads
 * to resolve `{{ secrets.NAME }}`; the API sees names alone.
 */
import type { SecretSource } from '../runtime/types';
import type { Store } from '../store/store';
import { decryptSecret, encryptSecret } from './cipher';

/** Secret names are JSONata field names (`secrets.NAME`), so no dots, dashes or spaces. */
export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export class SecretVault implements SecretSource {
  private cache: { at: number; values: Record<string, string> } | undefined;

  /** @param cacheMs how long decrypted values are reused; other servers' changes show up after this. */
  constructor(
    private readonly store: Store,
    private readonly key: Buffer,
    private readonly cacheMs = 5_000,
  ) {}

  /**
   * @example await vault.set('BRAZE_KEY', 'sk-live-…');
   */
  async set(name: string, value: string): Promise<void> {
    if (!SECRET_NAME.test(name)) throw new Error(`Secret name "${name}" must start with a letter or _ and use only letters, digits and _`);
    await this.store.putSecret(name, encryptSecret(this.key, name, value));
    this.cache = undefined;
  }

  async delete(name: string): Promise<boolean> {
    this.cache = undefined;
    return this.store.deleteSecret(name);
  }

  names(): Promise<Array<{ name: string; updatedAt: string }>> {
    return this.store.listSecrets();
  }

  async all(): Promise<Record<string, string>> {
    if (this.cache && Date.now() - this.cache.at < this.cacheMs) return this.cache.values;
    const values: Record<string, string> = {};
    for (const row of await this.store.secretCiphertexts()) values[row.name] = decryptSecret(this.key, row.name, row.ciphertext);
    // Frozen and handed out as is: the same object until a secret changes lets the engine build its redactor once.
    this.cache = { at: Date.now(), values: Object.freeze(values) };
    return this.cache.values;
  }
}
