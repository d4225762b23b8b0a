/**
 * Parser of the Make-style text diagram (seed 002):
 *
 * ```text
 * Title line
 * Description prose…
 * Group { # group label
 * n1: circle label:"Start"
 * n1.handle(right) -> OtherGroup.n2.handle(left) [label="Predict"]
 * }
 * ```
 *
 * Prose before the first statement is the title and description; prose
 * after it is kept as more description. Statements may also stand outside
 * any group (ungrouped nodes). Every syntax error names its line and column.
 */
import { ImportError } from '../types';
import { tokenizeLine, type Token } from './tokens';

export const SHAPES = ['circle', 'rectangle', 'diamond'] as const;
export type DiagramShape = (typeof SHAPES)[number];

export interface DiagramNode {
  id: string;
  shape: DiagramShape;
  label?: string;
  /** An explicit node type (`type:"trigger.manual"`), written by the exporter when the shape and label do not say it. */
  type?: string;
  group?: string;
  line: number;
  column: number;
}

export interface DiagramEdge {
  from: string;
  to: string;
  fromHandle?: string;
  toHandle?: string;
  label?: string;
  when?: string;
  line: number;
  column: number;
}

export interface DiagramGroup {
  id: string;
  label?: string;
  line: number;
}

export interface DiagramDocument {
  /** Prose lines before the first group or statement. */
  header: string[];
  /** Prose lines after it. */
  trailing: string[];
  groups: DiagramGroup[];
  nodes: DiagramNode[];
  edges: DiagramEdge[];
}

interface EndpointRef {
  group?: string;
  node: string;
  handle?: string;
  token: Token;
}

interface PendingEdge extends DiagramEdge {
  fromRef: EndpointRef;
  toRef: EndpointRef;
}

const GROUP_OPENER = /^\s*[A-Za-z_][\w-]*\s*\{/;
const NODE_STATEMENT = new RegExp(`^\\s*[\\w-]+\\s*:\\s*(${SHAPES.join('|')})\\b`);
const EDGE_STATEMENT = /^\s*[\w-]+(\s*\.\s*[\w-]+)*(\s*\.\s*handle\s*\([^)]*\))?\s*->/;
const NODE_ATTRIBUTES = ['label', 'type'];
const EDGE_ATTRIBUTES = ['label', 'when'];

/** Reads tokens of one statement with errors that point at the offending token. */
class TokenCursor {
  private index = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly line: number,
    private readonly lineLength: number,
  ) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.index + offset];
  }

  done(): boolean {
    return this.index >= this.tokens.length || this.tokens[this.index].kind === 'comment';
  }

  fail(message: string, token = this.peek()): never {
    throw new ImportError(message, token?.line ?? this.line, token?.column ?? this.lineLength + 1);
  }

  next(kind: Token['kind'], value: string | undefined, what: string): Token {
    const token = this.peek();
    if (!token || token.kind !== kind || (value !== undefined && token.value !== value)) {
      this.fail(`Expected ${what}${token ? `, found "${token.kind === 'string' ? `"${token.value}"` : token.value}"` : ' at end of line'}`, token);
    }
    this.index++;
    return token!;
  }

  accept(kind: Token['kind'], value?: string): Token | undefined {
    const token = this.peek();
    if (token && token.kind === kind && (value === undefined || token.value === value)) {
      this.index++;
      return token;
    }
    return undefined;
  }

  expectEnd(): void {
    if (!this.done()) this.fail(`Unexpected "${this.peek()!.value}" at end of statement`);
  }
}

/**
 * Parses diagram text into its groups, nodes and edges.
 *
 * @example
 * const doc = parseDiagram('Demo\nG { # Things\nn1: circle label:"Start"\n}');
 * doc.groups[0] // → { id: 'G', label: 'Things', line: 2 }
 */
export function parseDiagram(text: string): DiagramDocument {
  const doc: DiagramDocument = { header: [], trailing: [], groups: [], nodes: [], edges: [] };
  const pending: PendingEdge[] = [];
  let openGroup: DiagramGroup | undefined;
  let seenStatement = false;

  const prose = (line: string) => (seenStatement ? doc.trailing : doc.header).push(line.trimEnd());

  const handleLine = (content: string, line: number, columnOffset: number): void => {
    if (openGroup) {
      const tokens = tokenizeLine(content, line, columnOffset);
      if (tokens.length === 0 || tokens[0].kind === 'comment') return;
      if (tokens[0].kind === 'punct' && tokens[0].value === '}') {
        openGroup = undefined;
        const rest = content.slice(tokens[0].column - columnOffset);
        if (rest.trim()) handleLine(rest, line, tokens[0].column);
        return;
      }
      if (tokens[0].kind === 'punct' && tokens[0].value === '{') throw new ImportError('Groups cannot be nested', line, tokens[0].column);
      if (GROUP_OPENER.test(content)) throw new ImportError(`Groups cannot be nested: close "${openGroup.id}" with "}" first`, line, tokens[0].column);
      statement(tokens, line, content.length + columnOffset, openGroup.id);
      return;
    }
    if (!content.trim()) {
      prose('');
      return;
    }
    if (GROUP_OPENER.test(content)) {
      seenStatement = true;
      const cursor = new TokenCursor(tokenizeLine(content, line, columnOffset), line, content.length + columnOffset);
      const name = cursor.next('ident', undefined, 'a group name');
      cursor.next('punct', '{', '"{"');
      const comment = cursor.accept('comment');
      cursor.expectEnd();
      if (doc.groups.some((g) => g.id === name.value)) throw new ImportError(`Group "${name.value}" is declared twice`, line, name.column);
      openGroup = { id: name.value, ...(comment?.value ? { label: comment.value } : {}), line };
      doc.groups.push(openGroup);
      return;
    }
    if (/^\s*}/.test(content)) throw new ImportError('"}" without an open group', line, columnOffset + content.indexOf('}') + 1);
    if (NODE_STATEMENT.test(content) || EDGE_STATEMENT.test(content)) {
      seenStatement = true;
      statement(tokenizeLine(content, line, columnOffset), line, content.length + columnOffset, undefined);
      return;
    }
    prose(content);
  };

  const statement = (tokens: Token[], line: number, length: number, group: string | undefined) => {
    const cursor = new TokenCursor(tokens, line, length);
    if (tokens[0].kind === 'ident' && tokens[1]?.kind === 'punct' && tokens[1].value === ':') {
      doc.nodes.push(nodeStatement(cursor, group));
    } else if (tokens[0].kind === 'ident') {
      pending.push(edgeStatement(cursor));
    } else {
      cursor.fail('Expected a node (id: shape label:"…"), an edge (a.handle(right) -> b.handle(left)) or "}"');
    }
  };

  const lines = text.split('\n');
  lines.forEach((content, i) => handleLine(content, i + 1, 0));
  if (openGroup) throw new ImportError(`Group "${openGroup.id}" is never closed: add "}"`, openGroup.line, 1);

  resolveEdges(doc, pending);
  trimBlankEnds(doc.header);
  trimBlankEnds(doc.trailing);
  return doc;
}

function nodeStatement(cursor: TokenCursor, group: string | undefined): DiagramNode {
  const id = cursor.next('ident', undefined, 'a node id');
  cursor.next('punct', ':', '":"');
  const shapeToken = cursor.next('ident', undefined, `a shape (${SHAPES.join(', ')})`);
  if (!(SHAPES as readonly string[]).includes(shapeToken.value)) {
    cursor.fail(`Unknown shape "${shapeToken.value}" (expected ${SHAPES.join(', ')})`, shapeToken);
  }
  const node: DiagramNode = { id: id.value, shape: shapeToken.value as DiagramShape, ...(group ? { group } : {}), line: id.line, column: id.column };
  while (!cursor.done()) {
    const key = cursor.next('ident', undefined, 'an attribute like label:"…"');
    if (!NODE_ATTRIBUTES.includes(key.value)) cursor.fail(`Unknown node attribute "${key.value}" (expected ${NODE_ATTRIBUTES.join(' or ')})`, key);
    cursor.next('punct', ':', `":" after ${key.value}`);
    const value = cursor.next('string', undefined, `a quoted ${key.value}`);
    node[key.value as 'label' | 'type'] = value.value;
  }
  return node;
}

function endpoint(cursor: TokenCursor, side: 'source' | 'target'): EndpointRef {
  const first = cursor.next('ident', undefined, `the ${side} node id`);
  const names = [first.value];
  let handle: string | undefined;
  while (cursor.accept('punct', '.')) {
    const part = cursor.next('ident', undefined, 'a name after "."');
    if (part.value === 'handle' && cursor.peek()?.value === '(') {
      cursor.next('punct', '(', '"("');
      handle = cursor.next('ident', undefined, 'a handle side (left, right, top, bottom) or port name').value;
      cursor.next('punct', ')', '")"');
      break;
    }
    names.push(part.value);
  }
  if (names.length > 2) cursor.fail(`Too many parts in "${names.join('.')}": write node or Group.node`, first);
  return names.length === 2 ? { group: names[0], node: names[1], handle, token: first } : { node: names[0], handle, token: first };
}

function edgeStatement(cursor: TokenCursor): PendingEdge {
  const fromRef = endpoint(cursor, 'source');
  cursor.next('arrow', undefined, '"->"');
  const toRef = endpoint(cursor, 'target');
  const edge: PendingEdge = {
    from: fromRef.node,
    to: toRef.node,
    ...(fromRef.handle ? { fromHandle: fromRef.handle } : {}),
    ...(toRef.handle ? { toHandle: toRef.handle } : {}),
    line: fromRef.token.line,
    column: fromRef.token.column,
    fromRef,
    toRef,
  };
  if (cursor.accept('punct', '[')) {
    do {
      const key = cursor.next('ident', undefined, 'an edge attribute like label="…"');
      if (!EDGE_ATTRIBUTES.includes(key.value)) cursor.fail(`Unknown edge attribute "${key.value}" (expected ${EDGE_ATTRIBUTES.join(' or ')})`, key);
      cursor.next('punct', '=', `"=" after ${key.value}`);
      edge[key.value as 'label' | 'when'] = cursor.next('string', undefined, `a quoted ${key.value}`).value;
    } while (cursor.accept('punct', ','));
    cursor.next('punct', ']', '"]"');
  }
  cursor.expectEnd();
  return edge;
}

/** Checks every edge end names a declared node (in the named group, when qualified); forward references are fine. */
function resolveEdges(doc: DiagramDocument, pending: PendingEdge[]): void {
  const nodes = new Map<string, DiagramNode>();
  for (const node of doc.nodes) {
    const earlier = nodes.get(node.id);
    if (earlier) throw new ImportError(`Node "${node.id}" is declared twice (first on line ${earlier.line})`, node.line, node.column);
    nodes.set(node.id, node);
  }
  const groups = new Set(doc.groups.map((g) => g.id));
  for (const edge of pending) {
    for (const ref of [edge.fromRef, edge.toRef]) {
      const node = nodes.get(ref.node);
      if (ref.group !== undefined && !groups.has(ref.group)) throw new ImportError(`Unknown group "${ref.group}"`, ref.token.line, ref.token.column);
      if (!node) throw new ImportError(`Unknown node "${ref.node}"`, ref.token.line, ref.token.column);
      if (ref.group !== undefined && node.group !== ref.group) {
        throw new ImportError(`Node "${ref.node}" is not in group "${ref.group}"${node.group ? ` (it is in "${node.group}")` : ''}`, ref.token.line, ref.token.column);
      }
    }
    const { fromRef: _f, toRef: _t, ...plain } = edge;
    doc.edges.push(plain);
  }
}

function trimBlankEnds(lines: string[]): void {
  while (lines.length && !lines[0].trim()) lines.shift();
  while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
}
