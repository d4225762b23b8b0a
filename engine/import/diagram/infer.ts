/**
 * What a drawn node is: the diagram says only shape and label, so the node
 * type comes from both and from the node's place in the graph. Shared by
 * the importer and the exporter (which writes `type:"…"` only where this
 * inference would guess differently), so a round trip keeps every type.
 */
import type { DiagramShape } from './parse';

export interface ShapeNode {
  id: string;
  shape: DiagramShape;
  label?: string;
}

const HTTP_LABEL = /^(GET|POST|PUT|PATCH|DELETE|HEAD)\b/;
const WEBHOOK_LABEL = /\b(watch(es|ing)?|receives?|webhooks?)\b/i;

/**
 * The node type each node's shape, label and position in the graph suggest.
 * Circles: the first with no incoming edge is `start`, one with no outgoing
 * edge is `end`. Diamonds are routers. Rectangles: `POST …`/`GET …` are HTTP
 * requests; "Watch … events" / "receive" / "webhook" right after the start
 * (or with nothing before it) is the webhook trigger; anything else is a
 * placeholder.
 *
 * @example
 * inferNodeTypes([{ id: 'a', shape: 'circle' }, { id: 'b', shape: 'rectangle', label: 'Watch events' }], [{ from: 'a', to: 'b' }])
 * // → Map { 'a' => 'start', 'b' => 'trigger.webhook' }
 */
export function inferNodeTypes(nodes: ReadonlyArray<ShapeNode>, edges: ReadonlyArray<{ from: string; to: string }>): Map<string, string> {
  const incoming = new Map<string, string[]>();
  const outgoing = new Map<string, number>();
  for (const edge of edges) {
    incoming.set(edge.to, [...(incoming.get(edge.to) ?? []), edge.from]);
    outgoing.set(edge.from, (outgoing.get(edge.from) ?? 0) + 1);
  }
  const types = new Map<string, string>();
  const start = nodes.find((n) => n.shape === 'circle' && !incoming.has(n.id));
  let trigger: string | undefined;
  for (const node of nodes) {
    let type = 'placeholder';
    if (node.shape === 'circle') {
      if (node === start) type = 'start';
      else if (!outgoing.has(node.id)) type = 'end';
    } else if (node.shape === 'diamond') {
      type = 'router';
    } else if (HTTP_LABEL.test(node.label ?? '')) {
      type = 'http.request';
    } else if (!trigger && WEBHOOK_LABEL.test(node.label ?? '')) {
      const before = incoming.get(node.id) ?? [];
      if (before.length === 0 || (start && before.every((id) => id === start.id))) {
        type = 'trigger.webhook';
        trigger = node.id;
      }
    }
    types.set(node.id, type);
  }
  return types;
}

const FILLER = new Set(['what', 'which', 'is', 'the', 'a', 'an', 'of', 'by', 'check', 'user', 'users', 'has', 'does', 'do', 'for']);
/** Words that name the kind of value rather than the field: "Confidence score?" → `confidence`. */
const VALUE_WORDS = new Set(['score', 'preference', 'level', 'value', 'rate', 'amount', 'count', 'number']);

/**
 * A sensible default router subject from a diamond's label.
 *
 * @example guessRouterSubject('Event type?')         // → 'input.type'
 * @example guessRouterSubject('Confidence score?')   // → 'input.confidence'
 * @example guessRouterSubject('Channel preference?') // → 'input.channel'
 */
export function guessRouterSubject(label: string | undefined): string {
  const words = (label ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9\s_-]/g, ' ')
    .split(/[\s_-]+/)
    .filter((w) => w && !FILLER.has(w));
  if (words.length === 0) return 'input.value';
  const last = words[words.length - 1];
  // Event payloads carry "type", "status", "kind" as fields of their own (Segment's `type`: page, track, …).
  if (['type', 'status', 'kind', 'category', 'channel'].includes(last)) return `input.${last}`;
  const field = VALUE_WORDS.has(last) && words.length > 1 ? words.slice(0, -1) : words;
  const camel = field.map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join('');
  return `input.${/^[a-z_]/.test(camel) ? camel : `\`${camel}\``}`;
}

/**
 * The HTTP method a label starts with.
 *
 * @example httpMethodOf('POST to recommendation API') // → 'POST'
 */
export function httpMethodOf(label: string | undefined): string | undefined {
  return HTTP_LABEL.exec(label ?? '')?.[1];
}

/** The drawn shape a node type has when its document does not say (the exporter needs one). */
export function shapeOfType(type: string): DiagramShape {
  if (type === 'start' || type === 'end') return 'circle';
  if (type === 'router') return 'diamond';
  return 'rectangle';
}
