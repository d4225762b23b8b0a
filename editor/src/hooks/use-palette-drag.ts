import { useCallback } from 'react';
import { useReactFlow } from '@xyflow/react';
import { isGroup, type FlowNode } from '../model/flow';
import { editorStore } from '../store/editor-store';
import { addNode } from '../store/graph-actions';

/** The expanded group whose frame contains a canvas point, if any. */
function groupAt(nodes: ReadonlyArray<FlowNode>, p: { x: number; y: number }): FlowNode | undefined {
  return nodes.filter(isGroup).find((g) => {
    if (g.data.collapsed || g.parentId) return false;
    const w = (g.width ?? g.measured?.width ?? 0) as number, h = (g.height ?? g.measured?.height ?? 0) as number;
    return p.x >= g.position.x && p.y >= g.position.y && p.x <= g.position.x + w && p.y <= g.position.y + h;
  });
}

/**
 * Dragging a node type from the palette onto the canvas, with pointer events
 * so mouse, pen and touch all work (HTML drag-and-drop does not fire on touch).
 * A drop inside a group puts the node in it; a click without a drag adds the
 * node in the middle of the view.
 *
 * @example const start = usePaletteDrag(); <li onPointerDown={(e) => start(e, 'transform', 'Transform')} />
 */
export function usePaletteDrag(): (event: React.PointerEvent, type: string, title: string) => void {
  const flow = useReactFlow();
  return useCallback(
    (event, type, title) => {
      if (event.button !== 0) return;
      event.preventDefault();
      const origin = { x: event.clientX, y: event.clientY };
      let ghost: HTMLDivElement | undefined;
      const onMove = (e: PointerEvent) => {
        if (!ghost && Math.hypot(e.clientX - origin.x, e.clientY - origin.y) > 4) {
          ghost = document.createElement('div');
          ghost.className = 'palette-ghost';
          ghost.textContent = title;
          document.body.appendChild(ghost);
        }
        if (ghost) ghost.style.transform = `translate(${e.clientX + 8}px, ${e.clientY + 8}px)`;
      };
      const drop = (clientX: number, clientY: number) => {
        const p = flow.screenToFlowPosition({ x: clientX, y: clientY });
        const id = addNode(type, { x: Math.round(p.x - 100), y: Math.round(p.y - 30) });
        if (!id) return;
        const group = groupAt(editorStore.get().nodes, p);
        if (!group) return;
        // Into the group under the pointer: positions become relative to it.
        editorStore.set((s) => ({
          nodes: s.nodes.map((n) => (n.id === id ? ({ ...n, parentId: group.id, expandParent: true, position: { x: n.position.x - group.position.x, y: n.position.y - group.position.y } } as FlowNode) : n)),
        }));
      };
      const onUp = (e: PointerEvent) => {
        removeEventListener('pointermove', onMove);
        removeEventListener('pointerup', onUp);
        removeEventListener('pointercancel', onCancel);
        ghost?.remove();
        if (!ghost) {
          const pane = document.querySelector('.react-flow')?.getBoundingClientRect();
          if (pane) drop(pane.left + pane.width / 2, pane.top + pane.height / 2);
          return;
        }
        const target = document.elementFromPoint(e.clientX, e.clientY);
        if (target?.closest('.react-flow')) drop(e.clientX, e.clientY);
      };
      const onCancel = () => {
        removeEventListener('pointermove', onMove);
        removeEventListener('pointerup', onUp);
        removeEventListener('pointercancel', onCancel);
        ghost?.remove();
      };
      addEventListener('pointermove', onMove);
      addEventListener('pointerup', onUp);
      addEventListener('pointercancel', onCancel);
    },
    [flow],
  );
}
