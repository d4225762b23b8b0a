/** Secrets: AES-256-GCM in the store, key from SWITCHYARD_SECRET_KEY or `.switchyard/secret.key`. */
export { encryptSecret, decryptSecret } from './cipher';
export { loadSecretKey, parseSecretKey } from './key';
export { SecretVault, SECRET_NAME } from './vault';
