/** The node types the server offers (`/api/node-types`), loaded once per page. */
import type { NodeTypeDescription } from '../api/types';
import type { NodeRegistry } from '../../../nodes/registry';
import { catalogOf, type Catalog } from '../model/catalog';
import { clientRegistry } from '../model/client-registry';
import { createStore } from './create-store';

export interface CatalogState {
  descriptions: NodeTypeDescription[];
  catalog: Catalog;
  registry: NodeRegistry | undefined;
  error?: string;
}

export const catalogStore = createStore<CatalogState>({ descriptions: [], catalog: new Map(), registry: undefined });

/** @example setNodeTypes(await api.nodeTypes()) */
export function setNodeTypes(descriptions: NodeTypeDescription[]): void {
  catalogStore.set({ descriptions, catalog: catalogOf(descriptions), registry: clientRegistry(descriptions) });
}
