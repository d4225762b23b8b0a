/**
 * Node-type facts the editor needs everywhere (shape, behaviour, outputs),
 * looked up from the `/api/node-types` descriptions.
 */
import type { NodeTypeDescription } from '../api/types';

export type Catalog = ReadonlyMap<string, NodeTypeDescription>;

/**
 * @example const catalog = catalogOf(await api.nodeTypes()); catalog.get('router')?.shape // 'diamond'
 */
export function catalogOf(descriptions: ReadonlyArray<NodeTypeDescription>): Catalog {
  return new Map(descriptions.map((d) => [d.type, d]));
}

/** The shape a node is drawn with: its own, else its type's, else a rectangle. */
export function shapeFor(catalog: Catalog, type: string, own?: string): 'circle' | 'rectangle' | 'diamond' {
  const shape = own ?? catalog.get(type)?.shape;
  return shape === 'circle' || shape === 'diamond' ? shape : 'rectangle';
}
