/**
 * Edits of the open scenario's graph. Each is one undo step; React Flow's
 * own change stream goes through {@link onNodesChange}/{@link onEdgesChange}.
 */
import { applyEdgeChanges, applyNodeChanges, type Connection, type EdgeChange, type NodeChange } from '@xyflow/react';
import type { ApiIssue, Scenario } from '../api/types';
import { issuesToProblems } from '../model/issues';
import { checkConnection } from '../model/connection-rules';
import { scenarioToFlow } from '../model/to-flow';
import type { FlowEdge, FlowEdgeData, FlowNode, StepFields, StepFlowNode } from '../model/flow';
import type { ScenarioMeta } from '../model/to-scenario';
import { catalogStore } from './catalog-store';
import { change, checkpoint, editorStore, notify } from './editor-store';
import { setCollapsed } from './group-actions';

/** Opens a scenario document on the canvas, with a fresh history. @example loadScenario((await api.getScenario(id)).scenario, stored) */
export function loadScenario(
  doc: Scenario,
  info: { version?: number; publishedVersion?: number | null; problems?: ApiIssue[] } = {},
  opts: { keepHistory?: boolean; dirty?: boolean } = {},
): { needsLayout: boolean } {
  const { nodes: _n, edges: _e, groups, ...meta } = doc;
  const graph = scenarioToFlow(doc, catalogStore.get().catalog);
  if (opts.keepHistory) checkpoint();
  const revision = editorStore.get().revision + 1;
  editorStore.set({
    meta: meta as ScenarioMeta,
    nodes: graph.nodes,
    edges: graph.edges,
    scenarioId: doc.id,
    version: info.version ?? editorStore.get().version,
    publishedVersion: info.publishedVersion === undefined ? editorStore.get().publishedVersion : (info.publishedVersion ?? undefined),
    ...(opts.keepHistory ? {} : { past: [], future: [] }),
    dirty: opts.dirty ?? false,
    revision,
    serverProblems: info.problems ? issuesToProblems(info.problems, doc) : [],
    serverCheckedRevision: info.problems && !opts.dirty ? revision : undefined,
    lastChange: undefined,
  });
  for (const g of groups ?? []) if (g.collapsed) setCollapsed(g.id, true, false);
  return { needsLayout: graph.needsLayout };
}

/**
 * Drops the handle estimates of a freshly loaded scenario (estimated-handles.ts)
 * once React Flow has taken them in: from then on it keeps each node's handle
 * bounds itself, measured when the node is drawn, and an estimate still on a
 * node would replace that measurement whenever the node changes.
 */
export function dropEstimatedHandles(): void {
  editorStore.set((s) => ({
    nodes: s.nodes.map((n) => {
      if (!n.handles) return n;
      const { handles: _estimate, ...node } = n;
      return node as FlowNode;
    }),
  }));
}

/** React Flow's node changes: moves, selection, measurements, removals. */
export function onNodesChange(changes: NodeChange<FlowNode>[]): void {
  const structural = changes.some((c) => c.type === 'remove' || c.type === 'add');
  const moved = changes.some((c) => c.type === 'position' && c.position);
  if (structural) checkpoint();
  editorStore.set((s) => ({ nodes: applyNodeChanges(changes, s.nodes), ...(structural || moved ? { dirty: true } : {}), ...(structural ? { revision: s.revision + 1 } : {}) }));
}

/** React Flow's edge changes. */
export function onEdgesChange(changes: EdgeChange<FlowEdge>[]): void {
  const structural = changes.some((c) => c.type === 'remove' || c.type === 'add');
  if (structural) checkpoint();
  editorStore.set((s) => ({ edges: applyEdgeChanges(changes, s.edges), ...(structural ? { dirty: true, revision: s.revision + 1 } : {}) }));
}

/** A drag starts: the positions before it are the undo step. */
export function onNodeDragStart(): void {
  checkpoint();
}

/** Connects two handles when the rules allow, else says why not. @example connect({ source: 'n1', target: 'n2', sourceHandle: 'right', targetHandle: 'left' }) */
export function connect(c: Connection): void {
  const s = editorStore.get();
  const check = checkConnection(c, s.nodes, s.edges, catalogStore.get().catalog);
  if (!check.ok) return notify(check.reason ?? 'Not allowed', 'error');
  const id = `e:${c.source}:${c.sourceHandle ?? ''}->${c.target}:${c.targetHandle ?? ''}:${Date.now().toString(36)}`;
  const edge: FlowEdge = { id, type: 'labeled', source: c.source, target: c.target, sourceHandle: c.sourceHandle ?? 'right', targetHandle: c.targetHandle ?? 'left', data: {} };
  change((st) => ({ edges: [...st.edges, edge] }));
}

/** A node id not used yet: `n21` after `n20`. */
export function nextNodeId(nodes: ReadonlyArray<{ id: string }>, prefix = 'n'): string {
  const used = new Set(nodes.map((n) => n.id));
  let max = 0;
  for (const n of nodes) {
    const m = new RegExp(`^${prefix}(\\d+)$`).exec(n.id);
    if (m) max = Math.max(max, Number(m[1]));
  }
  let i = max + 1;
  while (used.has(`${prefix}${i}`)) i++;
  return `${prefix}${i}`;
}

/** Adds a node of a type at a canvas position; refuses a second trigger. @example addNode('transform', { x: 100, y: 40 }) */
export function addNode(type: string, position: { x: number; y: number }): string | undefined {
  const { catalog } = catalogStore.get();
  const description = catalog.get(type);
  const s = editorStore.get();
  if (description?.behaviour === 'trigger') {
    const existing = s.nodes.find((n) => n.type === 'step' && catalog.get(n.data.step.type)?.behaviour === 'trigger');
    if (existing) {
      notify(`A scenario has exactly one trigger; "${existing.id}" is already one`, 'error');
      return undefined;
    }
  }
  const id = nextNodeId(s.nodes);
  const node: StepFlowNode = {
    id, type: 'step', position, selected: true,
    data: { step: { type, label: description?.title ?? type, config: {} } },
  };
  change((st) => ({ nodes: [...st.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node] }));
  return id;
}

/** Changes fields of one node (label, config, retry, …); typing into one field is one undo step. */
export function updateStep(id: string, patch: Partial<StepFields>, key?: string): void {
  change(
    (s) => ({ nodes: s.nodes.map((n) => (n.id === id && n.type === 'step' ? ({ ...n, data: { step: { ...n.data.step, ...patch } } } as StepFlowNode) : n)) }),
    key ?? `step:${id}:${Object.keys(patch).join(',')}`,
  );
}

/** Replaces a node's whole step (used when a field is removed). */
export function replaceStep(id: string, step: StepFields, key?: string): void {
  change((s) => ({ nodes: s.nodes.map((n) => (n.id === id && n.type === 'step' ? ({ ...n, data: { step } } as StepFlowNode) : n)) }), key);
}

/** Changes an edge's label or condition. */
export function updateEdge(id: string, patch: Partial<FlowEdgeData>, key?: string): void {
  change((s) => ({ edges: s.edges.map((e) => (e.id === id ? { ...e, data: { ...e.data, ...patch } } : e)) }), key ?? `edge:${id}:${Object.keys(patch).join(',')}`);
}

/** Changes document fields (name, description, settings). */
export function updateMeta(patch: Partial<ScenarioMeta>, key?: string): void {
  change((s) => ({ meta: { ...s.meta, ...patch } }), key ?? `meta:${Object.keys(patch).join(',')}`);
}

/** Deletes the selected nodes (with their edges and, for groups, their members) and edges. */
export function deleteSelection(): void {
  const s = editorStore.get();
  const doomed = new Set(s.nodes.filter((n) => n.selected).map((n) => n.id));
  for (const n of s.nodes) if (n.parentId && doomed.has(n.parentId)) doomed.add(n.id);
  const edgesLeft = s.edges.filter((e) => !e.selected && !doomed.has(e.source) && !doomed.has(e.target));
  if (!doomed.size && edgesLeft.length === s.edges.length) return;
  change((st) => ({ nodes: st.nodes.filter((n) => !doomed.has(n.id)), edges: edgesLeft }));
}

/** Selects every node and edge. */
export function selectAll(): void {
  editorStore.set((s) => ({ nodes: s.nodes.map((n) => (n.hidden ? n : { ...n, selected: true })), edges: s.edges.map((e) => ({ ...e, selected: true })) }));
}

/** Selects one node (and nothing else), e.g. from the problems list. */
export function selectNode(id: string): void {
  editorStore.set((s) => ({
    nodes: s.nodes.map((n) => (n.id === id ? { ...n, selected: true } : n.selected ? { ...n, selected: false } : n)),
    edges: s.edges.map((e) => (e.selected ? { ...e, selected: false } : e)),
  }));
}

const SIDES = new Set(['left', 'right', 'top', 'bottom']);

/**
 * Replaces node positions (auto-layout) as one undo step. With `leftToRight`,
 * edges between side handles are re-attached right → left to follow the new
 * flow; named output handles (`error`, `approved`) stay as they are.
 */
export function setPositions(positions: Map<string, { x: number; y: number; width?: number; height?: number }>, leftToRight = false): void {
  change((s) => ({
    edges: leftToRight
      ? s.edges.map((e) =>
          SIDES.has(e.sourceHandle ?? 'right') && SIDES.has(e.targetHandle ?? 'left') && (e.sourceHandle !== 'right' || e.targetHandle !== 'left')
            ? { ...e, sourceHandle: 'right', targetHandle: 'left' }
            : e,
        )
      : s.edges,
    nodes: s.nodes.map((n) => {
      const p = positions.get(n.id);
      if (!p) return n;
      const sized = p.width && n.type === 'scenarioGroup' ? { style: { ...n.style, width: p.width, height: p.height }, width: p.width, height: p.height } : {};
      return { ...n, position: { x: p.x, y: p.y }, ...sized } as FlowNode;
    }),
  }));
}
