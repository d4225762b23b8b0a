import { useEffect } from 'react';
import { api } from '../api/client';
import { catalogStore, setNodeTypes } from '../store/catalog-store';
import { useStore } from './use-store';

/**
 * Loads `/api/node-types` once and answers whether they are there.
 *
 * @example const ready = useNodeTypes(); if (!ready) return <Loading />;
 */
export function useNodeTypes(): boolean {
  const ready = useStore(catalogStore, (s) => s.loaded);
  useEffect(() => {
    if (catalogStore.get().loaded) return;
    api.nodeTypes().then(setNodeTypes, (e: Error) => catalogStore.set({ error: e.message }));
  }, []);
  return ready;
}
