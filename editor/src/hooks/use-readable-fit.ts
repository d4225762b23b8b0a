import { useCallback } from 'react';
import { useReactFlow } from '@xyflow/react';

/** Below this zoom node labels are too small to read. */
export const READABLE_ZOOM = 0.55;

/**
 * Fits the scenario into view when it can be read that way; a scenario too
 * large for that opens at a readable zoom at its left edge, where the flow
 * starts, and the fit-view control still shows the whole of it.
 *
 * @example const fit = useReadableFit(); useEffect(() => fit(), []);
 */
export function useReadableFit(): () => void {
  const flow = useReactFlow();
  return useCallback(() => {
    const pane = document.querySelector('.react-flow')?.getBoundingClientRect();
    const nodes = flow.getNodes().filter((n) => !n.hidden);
    if (!pane || !nodes.length) return;
    const bounds = flow.getNodesBounds(nodes);
    const zoom = Math.min(1, (pane.width * 0.9) / bounds.width, (pane.height * 0.9) / bounds.height);
    if (zoom >= READABLE_ZOOM) {
      void flow.fitView({ padding: 0.1, maxZoom: 1 });
      return;
    }
    const z = READABLE_ZOOM;
    const y = bounds.height * z < pane.height ? pane.height / 2 - (bounds.y + bounds.height / 2) * z : 40 - bounds.y * z;
    void flow.setViewport({ x: 40 - bounds.x * z, y, zoom: z });
  }, [flow]);
}
