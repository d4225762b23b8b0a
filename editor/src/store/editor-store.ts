/**
 * The open scenario: canvas nodes and edges, document fields, and the undo
 * history. History entries are whole snapshots; React Flow's changes keep
 * unchanged nodes by reference, so a snapshot costs one array, not a copy.
 */
import type { Problem } from '../../../engine/scenario/validate';
import type { FlowEdge, FlowNode } from '../model/flow';
import type { ScenarioMeta } from '../model/to-scenario';
import { createStore } from './create-store';

export interface Snapshot {
  meta: ScenarioMeta;
  nodes: FlowNode[];
  edges: FlowEdge[];
}

export interface EditorState extends Snapshot {
  scenarioId: string | undefined;
  version: number | undefined;
  publishedVersion: number | undefined;
  past: Snapshot[];
  future: Snapshot[];
  /** Changed since the last load or save. */
  dirty: boolean;
  /** Bumped on every change of the document (not on selection or moves), so validation runs only then. */
  revision: number;
  /** Problems the server reported on the last load, save or publish. */
  serverProblems: Problem[];
  /**
   * The revision whose problems the server gave in full: the document as
   * loaded. The worker need not check it again (the server has the same
   * validator and checks the browser cannot run).
   */
  serverCheckedRevision: number | undefined;
  /** Nodes and edges copied with Ctrl+C. */
  clipboard: { nodes: FlowNode[]; edges: FlowEdge[] } | undefined;
  /** The edge whose label is being edited in place. */
  editingEdgeId: string | undefined;
  /** Last history key, so typing into one field makes one undo step. */
  lastChange: string | undefined;
  /** A short message for the status bar (a refused connection, a saved version). */
  notice: { text: string; kind: 'info' | 'error' } | undefined;
}

const HISTORY_LIMIT = 200;

export const editorStore = createStore<EditorState>({
  meta: { format: 'switchyard/scenario@1', id: '', name: '' } as ScenarioMeta,
  nodes: [],
  edges: [],
  scenarioId: undefined,
  version: undefined,
  publishedVersion: undefined,
  past: [],
  future: [],
  dirty: false,
  revision: 0,
  serverProblems: [],
  serverCheckedRevision: undefined,
  clipboard: undefined,
  editingEdgeId: undefined,
  lastChange: undefined,
  notice: undefined,
});

/**
 * Records the current state as an undo step before a change. Calls with the
 * same `key` in a row (typing into one field) make a single step.
 *
 * @example checkpoint(); editorStore.set({ nodes: next, dirty: true });
 */
export function checkpoint(key?: string): void {
  const s = editorStore.get();
  if (key && s.lastChange === key) return;
  const snap: Snapshot = { meta: s.meta, nodes: s.nodes, edges: s.edges };
  editorStore.set({ past: [...s.past.slice(-HISTORY_LIMIT + 1), snap], future: [], lastChange: key });
}

/** Applies a change to the graph as one undo step. @example change((s) => ({ edges: [...s.edges, edge] })) */
export function change(update: (s: EditorState) => Partial<Snapshot>, key?: string): void {
  checkpoint(key);
  editorStore.set((s) => ({ ...update(s), dirty: true, revision: s.revision + 1 }));
}

/** @example undo() */
export function undo(): void {
  const s = editorStore.get();
  const prev = s.past[s.past.length - 1];
  if (!prev) return;
  editorStore.set({
    ...prev,
    past: s.past.slice(0, -1),
    future: [{ meta: s.meta, nodes: s.nodes, edges: s.edges }, ...s.future],
    dirty: true,
    revision: s.revision + 1,
    lastChange: undefined,
  });
}

/** @example redo() */
export function redo(): void {
  const s = editorStore.get();
  const next = s.future[0];
  if (!next) return;
  editorStore.set({
    ...next,
    future: s.future.slice(1),
    past: [...s.past, { meta: s.meta, nodes: s.nodes, edges: s.edges }],
    dirty: true,
    revision: s.revision + 1,
    lastChange: undefined,
  });
}

/** Shows a message in the status bar. @example notify('Saved version 3') */
export function notify(text: string, kind: 'info' | 'error' = 'info'): void {
  editorStore.set({ notice: { text, kind } });
}
