import { useStore as useFlowStore } from '@xyflow/react';

/** Below this zoom text is unreadable anyway; the canvas drops it (and large scenarios draw their edges as one picture), which keeps panning smooth. */
export const DETAIL_ZOOM = 0.35;

/**
 * True while the canvas is zoomed out past legibility. The caller re-renders
 * only when the zoom crosses the threshold, not on every frame of a zoom.
 *
 * @example const zoomedOut = useZoomedOut(); <ReactFlow className={zoomedOut ? 'is-zoomed-out' : undefined} />
 */
export function useZoomedOut(): boolean {
  return useFlowStore((s) => s.transform[2] < DETAIL_ZOOM);
}
