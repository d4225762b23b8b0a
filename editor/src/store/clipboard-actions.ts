/** Copy, paste and duplicate of canvas nodes, with the edges between them. */
import type { FlowEdge, FlowNode } from '../model/flow';
import { change, editorStore, notify } from './editor-store';
import { catalogStore } from './catalog-store';
import { nextNodeId } from './graph-actions';

/** Copies the selected nodes (a selected group brings its members) and the edges among them. */
export function copySelection(): number {
  const s = editorStore.get();
  const ids = new Set(s.nodes.filter((n) => n.selected).map((n) => n.id));
  for (const n of s.nodes) if (n.parentId && ids.has(n.parentId)) ids.add(n.id);
  const nodes = s.nodes.filter((n) => ids.has(n.id));
  const edges = s.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  editorStore.set({ clipboard: { nodes, edges } });
  return nodes.length;
}

/** Pastes the clipboard with fresh ids, offset so the copies are visible. @example copySelection(); paste(); */
export function paste(offset = 40): void {
  const clip = editorStore.get().clipboard;
  if (!clip?.nodes.length) return;
  const { catalog } = catalogStore.get();
  const taken: Array<{ id: string }> = [...editorStore.get().nodes];
  const rename = new Map<string, string>();
  let skippedTrigger = false;
  const hasTrigger = taken.some((n) => (n as FlowNode).type === 'step' && catalog.get((n as Extract<FlowNode, { type: 'step' }>).data.step.type)?.behaviour === 'trigger');
  for (const n of clip.nodes) {
    if (n.type === 'step' && hasTrigger && catalog.get(n.data.step.type)?.behaviour === 'trigger') {
      skippedTrigger = true;
      continue;
    }
    const id = nextNodeId(taken, n.type === 'scenarioGroup' ? 'group' : 'n');
    rename.set(n.id, id);
    taken.push({ id });
  }
  const nodes: FlowNode[] = [];
  for (const n of clip.nodes) {
    const id = rename.get(n.id);
    if (!id) continue;
    const parentId = n.parentId ? rename.get(n.parentId) : undefined;
    // A copied member of an uncopied group lands beside the original, outside any group.
    const keepsParent = Boolean(parentId);
    const position = keepsParent ? n.position : { x: n.position.x + offset, y: n.position.y + offset };
    nodes.push({ ...n, id, selected: true, parentId, position, ...(n.parentId && !keepsParent ? { parentId: undefined, expandParent: undefined } : {}) } as FlowNode);
  }
  const edges: FlowEdge[] = clip.edges
    .filter((e) => rename.has(e.source) && rename.has(e.target))
    .map((e) => ({ ...e, id: `${e.id}:copy:${Date.now().toString(36)}`, source: rename.get(e.source)!, target: rename.get(e.target)!, selected: false }));
  if (skippedTrigger) notify('The trigger was not pasted: a scenario has exactly one', 'error');
  change((s) => ({
    nodes: [...nodes.filter((n) => n.type === 'scenarioGroup'), ...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), ...nodes.filter((n) => n.type !== 'scenarioGroup')],
    edges: [...s.edges, ...edges],
  }));
}

/** Copy and paste in one go. */
export function duplicateSelection(): void {
  const keep = editorStore.get().clipboard;
  if (copySelection()) paste();
  editorStore.set({ clipboard: keep });
}
