/** Renders report blocks as one self-contained HTML page with inline SVG bar charts. */
import type { Block } from './blocks';

/** @example escapeHtml('<b>') // → '&lt;b&gt;' */
export function escapeHtml(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const TONES = { good: '#2f855a', warn: '#b7791f', bad: '#c53030', muted: '#8a94a6' } as const;

/** Chart text is 12px system-ui; a character is at most about this wide, so widths are sized from text length. */
const CHAR_PX = 7;
const MAX_LABEL_CHARS = 34;

const truncate = (text: string, chars: number) => (text.length > chars ? `${text.slice(0, chars - 1)}…` : text);

/**
 * A horizontal bar chart as inline SVG (no script, no external resource).
 * The label and value columns are as wide as their text, so nothing is cut
 * off at the edges; negative values (a lift below zero) grow left from a
 * zero line, so a fall never looks like a gain.
 *
 * @example barChart('Members', [{ label: 'Champions', value: 120, display: '120' }])
 */
export function barChart(title: string, bars: Array<{ label: string; value: number; display: string; tone?: keyof typeof TONES }>): string {
  const rowHeight = 26;
  const top = 28;
  const labelChars = Math.min(MAX_LABEL_CHARS, Math.max(4, ...bars.map((b) => b.label.length)));
  const labelWidth = labelChars * CHAR_PX + 12;
  const valueWidth = Math.max(4, ...bars.map((b) => b.display.length)) * CHAR_PX + 12;
  const barWidth = 360;
  const width = Math.max(labelWidth + barWidth + valueWidth, title.length * (CHAR_PX + 0.5));
  const height = bars.length * rowHeight + top + 6;
  const positive = Math.max(0, ...bars.map((b) => b.value));
  const negative = Math.max(0, ...bars.map((b) => -b.value));
  const scale = barWidth / Math.max(positive + negative, 1e-12);
  const zero = labelWidth + negative * scale;
  const rows = bars
    .map((b, i) => {
      const y = top + i * rowHeight;
      const length = Math.max(1, Math.abs(b.value) * scale);
      const x = b.value < 0 ? zero - length : zero;
      // A negative bar's value sits just right of the zero line, clear of the labels on the left.
      const textX = b.value < 0 ? zero + 6 : zero + length + 6;
      const fill = b.tone ? TONES[b.tone] : '#3b6fb6';
      return [
        `<text x="${labelWidth - 8}" y="${y + 14}" text-anchor="end">${escapeHtml(truncate(b.label, labelChars))}<title>${escapeHtml(b.label)}</title></text>`,
        `<rect x="${x.toFixed(1)}" y="${y + 2}" width="${length.toFixed(1)}" height="${rowHeight - 8}" fill="${fill}" rx="2"><title>${escapeHtml(`${b.label}: ${b.display}`)}</title></rect>`,
        `<text x="${textX.toFixed(1)}" y="${y + 14}">${escapeHtml(b.display)}</text>`,
      ].join('');
    })
    .join('\n');
  const axis = negative > 0 ? `<line x1="${zero.toFixed(1)}" x2="${zero.toFixed(1)}" y1="${top}" y2="${height - 4}" stroke="#4a5568" stroke-width="1"/>` : '';
  return `<figure><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(title)}" width="${width.toFixed(0)}" height="${height}" viewBox="0 0 ${width.toFixed(0)} ${height}" font-family="system-ui, sans-serif" font-size="12">
<text x="0" y="16" font-weight="600" font-size="13">${escapeHtml(title)}</text>
${axis}
${rows}
</svg></figure>`;
}

const STYLE = `body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;color:#1a202c;line-height:1.45}
h1{border-bottom:2px solid #3b6fb6;padding-bottom:.3rem}h2{margin-top:2.2rem;border-bottom:1px solid #cbd5e0}
table{border-collapse:collapse;margin:.8rem 0;font-size:.9rem}th,td{border:1px solid #cbd5e0;padding:.3rem .55rem;vertical-align:top}
th{background:#edf2f7;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}figure{margin:1rem 0}
section{margin-bottom:2rem}`;

/**
 * @example renderHtml('Quarterly review', blocks) // → '<!DOCTYPE html>…'
 */
export function renderHtml(title: string, blocks: ReadonlyArray<Block>): string {
  const body: string[] = [];
  let open = false;
  for (const block of blocks) {
    switch (block.kind) {
      case 'heading':
        if (block.level === 2) {
          if (open) body.push('</section>');
          body.push(`<section${block.id ? ` id="${escapeHtml(block.id)}"` : ''}>`);
          open = true;
        }
        body.push(`<h${block.level}>${escapeHtml(block.text)}</h${block.level}>`);
        break;
      case 'paragraph':
        body.push(`<p>${escapeHtml(block.text)}</p>`);
        break;
      case 'list':
        body.push(`<ul>${block.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`);
        break;
      case 'table':
        body.push(
          `<table><thead><tr>${block.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${block.rows
            .map((r) => `<tr>${r.map((c, i) => `<td${block.align?.[i] === 'right' ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`)
            .join('')}</tbody></table>`,
        );
        break;
      case 'chart':
        body.push(barChart(block.title, block.bars));
        break;
    }
  }
  if (open) body.push('</section>');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
