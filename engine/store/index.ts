/** The store's public surface. */
export { openStore, type OpenStoreOptions } from './open-store';
export { startPruner, retentionFromEnv, type PrunerOptions } from './retention';
export { InvalidCursorError } from './cursor';
export * from './store';
