import { useCallback } from 'react';
import { getViewportForBounds, useReactFlow } from '@xyflow/react';
import { isStep, type FlowEdge, type FlowNode } from '../model/flow';
import { catalogStore } from '../store/catalog-store';
import { READABLE_ZOOM } from './use-readable-fit';

/** As long as a glance: the eye follows the nodes from where they were to where the layout put them. */
const DURATION_MS = 400;

/**
 * Brings a freshly laid-out scenario into view, animated: the whole of it
 * when it can be read that way; a scenario too large for that at a readable
 * zoom around its trigger, where the flow starts.
 *
 * @example const fitLaidOut = useFitLaidOut(); setPositions(laid); requestAnimationFrame(fitLaidOut);
 */
export function useFitLaidOut(): () => void {
  const flow = useReactFlow<FlowNode, FlowEdge>();
  return useCallback(() => {
    const pane = document.querySelector('.react-flow')?.getBoundingClientRect();
    const nodes = flow.getNodes().filter((n) => !n.hidden);
    if (!pane || !nodes.length) return;
    const whole = getViewportForBounds(flow.getNodesBounds(nodes), pane.width, pane.height, 0, 1, 0.1);
    if (whole.zoom >= READABLE_ZOOM) {
      void flow.fitView({ padding: 0.1, maxZoom: 1, duration: DURATION_MS });
      return;
    }
    const { catalog } = catalogStore.get();
    const trigger = nodes.find((n) => isStep(n) && catalog.get(n.data.step.type)?.behaviour === 'trigger') ?? nodes[0];
    const at = flow.getNodesBounds([trigger]);
    // The trigger a quarter of the way in, so what follows it fills the rest of the view.
    void flow.setCenter(at.x + at.width / 2 + pane.width / 4 / READABLE_ZOOM, at.y + at.height / 2, { zoom: READABLE_ZOOM, duration: DURATION_MS });
  }, [flow]);
}
