/**
 * How a scenario lives on the canvas: React Flow nodes and edges whose data
 * keep every field of the v1 document, so a load → save round trip loses nothing.
 */
import { Position, type Edge, type Node } from '@xyflow/react';
import type { ScenarioNode } from '../../../engine/scenario/schema';

/**
 * A scenario node on the canvas; layout fields (id, position, group) live on
 * the flow node itself. (`Pick`, not `Omit`: the v1 types are loose objects,
 * and `Omit` over an index signature would forget the known fields.)
 */
export type StepFields = Pick<ScenarioNode, 'type' | 'label' | 'shape' | 'config' | 'retry' | 'timeoutMs' | 'onError' | 'errorOutput' | 'notes' | 'disabled'> &
  Record<string, unknown>;
export type StepNodeData = { step: StepFields };
export type StepFlowNode = Node<StepNodeData, 'step'>;

export type GroupNodeData = {
  label: string;
  collapsed?: boolean;
  /** Size before collapsing, restored on expand. */
  expandedSize?: { width: number; height: number };
  /** Unknown group fields, kept for the round trip. */
  extra?: Record<string, unknown>;
};
export type GroupFlowNode = Node<GroupNodeData, 'scenarioGroup'>;

export type FlowNode = StepFlowNode | GroupFlowNode;

export type FlowEdgeData = {
  label?: string;
  when?: string;
  /** Fields of the document's edge the editor does not edit (kept verbatim). */
  extra?: Record<string, unknown>;
};
export type FlowEdge = Edge<FlowEdgeData, 'labeled'>;

/** The four side handles of every scenario node, each both a source and a target: the document's `fromHandle`/`toHandle`. */
export const SIDE_HANDLES = [
  ['left', Position.Left],
  ['right', Position.Right],
  ['top', Position.Top],
  ['bottom', Position.Bottom],
] as const;

export const GROUP_HEADER = 36;
export const GROUP_PADDING = 28;

/** The size a node is drawn at before React Flow has measured it. */
export function estimatedSize(shape: string | undefined): { width: number; height: number } {
  if (shape === 'circle') return { width: 64, height: 64 };
  if (shape === 'diamond') return { width: 80, height: 80 };
  return { width: 200, height: 60 };
}

/** Width and height of a flow node: measured when React Flow knows it, else estimated. */
export function nodeSize(node: FlowNode, shapeOf: (n: StepFlowNode) => string | undefined): { width: number; height: number } {
  const w = node.measured?.width ?? node.width ?? (node.style?.width as number | undefined);
  const h = node.measured?.height ?? node.height ?? (node.style?.height as number | undefined);
  if (w && h) return { width: w, height: h };
  return node.type === 'step' ? estimatedSize(shapeOf(node)) : { width: 300, height: 200 };
}

export function isStep(node: FlowNode): node is StepFlowNode {
  return node.type === 'step';
}

export function isGroup(node: FlowNode): node is GroupFlowNode {
  return node.type === 'scenarioGroup';
}
