import { useStore as useFlowStore } from '@xyflow/react';

/** Below this zoom text is unreadable anyway; nodes and edges drop it, which keeps panning large scenarios smooth. */
export const DETAIL_ZOOM = 0.35;

/**
 * True while the canvas is zoomed out past legibility. Each caller re-renders
 * only when the zoom crosses the threshold, not on every frame of a zoom.
 *
 * @example const simple = useZoomedOut(); return simple ? <Box /> : <Card />;
 */
export function useZoomedOut(): boolean {
  return useFlowStore((s) => s.transform[2] < DETAIL_ZOOM);
}
