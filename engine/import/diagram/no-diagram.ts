/**
 * The text diagram is what `importDocument` falls back to for any text that
 * is not JSON, and its parser reads every line it does not recognise as
 * prose (the title and description). A letter, a README or a Mermaid chart
 * would then "import" as a scenario with a lone manual trigger and exit 0.
 * A diagram has at least one node line, so text without one is refused,
 * saying what was expected and what was found instead.
 */
import { ImportError } from '../types';
import { SHAPES, type DiagramDocument } from './parse';

/** A line written like a node statement, `id: word …`, whose shape the parser did not know (so it became prose). */
const NODE_LIKE = /^(\s*[\w-]+\s*:\s*)([A-Za-z]+)\b\s+(label|type)\s*:/;

const EXPECTED =
  'expected a Switchyard scenario or a Make blueprint (JSON), a workflow record ("_kind": "Workflow"), ' +
  'or a text diagram with node lines such as n1: circle label:"Start"';

/** The first non-blank prose line, shortened, to show the user what was read. */
function excerpt(lines: string[]): string {
  const first = lines.find((line) => line.trim())?.trim() ?? '';
  return first.length > 60 ? `${first.slice(0, 57)}…` : first;
}

/**
 * Throws an `ImportError` when the parsed text has no node: a line that looks like a node with an unknown
 * shape is named by line and column; otherwise the error says what the text was read as.
 *
 * @example assertDiagram(parseDiagram('Dear team,\nplease review the Q3 numbers.'), text)
 * // throws 'Nothing to import: found 2 lines of prose (starting "Dear team,") and no diagram node; expected …'
 */
export function assertDiagram(doc: DiagramDocument, text: string): void {
  if (doc.nodes.length > 0) return;
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    const match = NODE_LIKE.exec(line);
    if (match && !(SHAPES as readonly string[]).includes(match[2])) {
      throw new ImportError(`Unknown shape "${match[2]}" (expected ${SHAPES.join(', ')})`, index + 1, match[1].length + 1);
    }
  }
  const prose = [...doc.header, ...doc.trailing].filter((line) => line.trim()).length;
  const found =
    doc.groups.length > 0
      ? `${doc.groups.length === 1 ? 'group' : 'groups'} ${doc.groups.map((g) => `"${g.id}"`).join(', ')} with no node in ${doc.groups.length === 1 ? 'it' : 'them'}`
      : prose > 0
        ? `${prose} line${prose === 1 ? '' : 's'} of prose (starting "${excerpt(doc.header.length ? doc.header : doc.trailing)}") and no diagram node`
        : 'only blank lines';
  throw new ImportError(`Nothing to import: found ${found}; ${EXPECTED}`);
}
