/**
 * The node types the server offers (`/api/node-types`), loaded once per page.
 * The validator's registry is rebuilt from them in the validation worker
 * only, which keeps zod out of the main bundle and off the first render.
 */
import type { NodeTypeDescription } from '../api/types';
import { catalogOf, type Catalog } from '../model/catalog';
import { createStore } from './create-store';

export interface CatalogState {
  descriptions: NodeTypeDescription[];
  catalog: Catalog;
  /** True once the node types have arrived. */
  loaded: boolean;
  error?: string;
}

export const catalogStore = createStore<CatalogState>({ descriptions: [], catalog: new Map(), loaded: false });

/** @example setNodeTypes(await api.nodeTypes()) */
export function setNodeTypes(descriptions: NodeTypeDescription[]): void {
  catalogStore.set({ descriptions, catalog: catalogOf(descriptions), loaded: true });
}
