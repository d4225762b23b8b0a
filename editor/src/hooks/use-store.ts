import { useSyncExternalStore } from 'react';
import type { Store } from '../store/create-store';

/**
 * Reads a slice of a store and re-renders when it changes. Select primitives
 * or stable references: a selector that builds a new object each call loops.
 *
 * @example const dirty = useStore(editorStore, (s) => s.dirty);
 */
export function useStore<S, T>(store: Store<S>, selector: (state: S) => T): T {
  return useSyncExternalStore(store.subscribe, () => selector(store.get()), () => selector(store.get()));
}
