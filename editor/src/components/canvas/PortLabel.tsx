/**
 * The name of a named output (`approved`, `rejected`) beside its handle, on
 * hover or selection. Once an edge leaving the port says the same name, the
 * edge names it and this label would only repeat it on top of the edge, so
 * it is left out; an unconnected port, or one whose edge says something
 * else, keeps it.
 */
import { useMemo } from 'react';
import { useStore } from '../../hooks/use-store';
import { edgeCaption } from '../../model/edge-caption';
import { editorStore } from '../../store/editor-store';

/** @example <PortLabel nodeId="n2" port="approved" /> */
export function PortLabel({ nodeId, port }: { nodeId: string; port: string }) {
  // The edge list, not a derived flag: it changes far less often than the store (not while dragging).
  const edges = useStore(editorStore, (s) => s.edges);
  const repeated = useMemo(
    () => edges.some((e) => e.source === nodeId && e.sourceHandle === port && edgeCaption(e.data, port) === port),
    [edges, nodeId, port],
  );
  return repeated ? null : <span className="port-label" data-testid={`port-label-${nodeId}-${port}`}>{port}</span>;
}
