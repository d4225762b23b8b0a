/** Renders report blocks as Markdown (charts become tables with text bars). */
import type { Block } from './blocks';

function cell(value: string | number): string {
  return String(value).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(headers: string[], rows: Array<Array<string | number>>, align?: Array<'left' | 'right'>): string {
  const rule = headers.map((_h, i) => (align?.[i] === 'right' ? '---:' : '---'));
  return [`| ${headers.map(cell).join(' | ')} |`, `| ${rule.join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

/**
 * @example renderMarkdown([{ kind: 'heading', level: 1, text: 'Report' }]) // → '# Report\n'
 */
export function renderMarkdown(blocks: ReadonlyArray<Block>): string {
  const out: string[] = [];
  for (const block of blocks) {
    switch (block.kind) {
      case 'heading':
        out.push(`${'#'.repeat(block.level)} ${block.text}`);
        break;
      case 'paragraph':
        out.push(block.text);
        break;
      case 'list':
        out.push(block.items.map((i) => `- ${i}`).join('\n'));
        break;
      case 'table':
        out.push(table(block.headers, block.rows, block.align));
        break;
      case 'chart': {
        const max = Math.max(...block.bars.map((b) => Math.abs(b.value)), 1e-12);
        out.push(`**${block.title}**\n\n${table(['', '', ''], block.bars.map((b) => [b.label, '█'.repeat(Math.max(0, Math.round((Math.abs(b.value) / max) * 20))) || '·', b.display]))}`);
        break;
      }
    }
  }
  return out.join('\n\n') + '\n';
}
