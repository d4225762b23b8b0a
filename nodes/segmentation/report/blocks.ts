/**
 * A report as a list of blocks, rendered twice — to Markdown and to a
 * self-contained HTML page — so both always say the same thing.
 */

export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string; id?: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; headers: string[]; rows: Array<Array<string | number>>; align?: Array<'left' | 'right'> }
  | { kind: 'chart'; title: string; bars: Array<{ label: string; value: number; display: string; tone?: 'good' | 'warn' | 'bad' | 'muted' }> };

/** The rendered report a run stores as its artefact. */
export interface RenderedReport {
  title: string;
  markdown: string;
  html: string;
}
