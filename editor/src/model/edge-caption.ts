/**
 * What an edge's label says on the canvas. Kept in one place because a
 * node's port labels hide themselves when an edge already says the same.
 */
import type { FlowEdgeData } from './flow';

const SIDES = new Set(['left', 'right', 'top', 'bottom']);

/** The named output (`approved`, `rejected`, `error`) an edge leaves from; none for the four side handles. @example namedPort('approved') // → 'approved' */
export function namedPort(sourceHandle: string | null | undefined): string | undefined {
  return sourceHandle && !SIDES.has(sourceHandle) ? sourceHandle : undefined;
}

/** The edge's label, else its condition, else the named output it leaves. @example edgeCaption({ when: 'x > 1' }) // → 'when x > 1' */
export function edgeCaption(data: FlowEdgeData | undefined, port?: string): string {
  return (data?.label ?? (data?.when ? `when ${data.when}` : '')) || port || '';
}
