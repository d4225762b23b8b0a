/**
 * `report.render`: the review's documents as Markdown and a self-contained
 * HTML page with SVG charts — `{ markdown, html, title }`, stored by the
 * engine as the run's artefact.
 */
import { defineNode, template, z } from '../sdk';
import type { Block } from './report/blocks';
import { renderHtml } from './report/html';
import { renderMarkdown } from './report/markdown';
import { DEFAULT_PERSONAS, performanceComparison, personaAlignment, refreshReport } from './report/sections';
import { readCustomerBase } from './types';

const configSchema = z.object({
  title: template('Report title').default('Customer segmentation review'),
  personas: z
    .array(z.object({ name: z.string().min(1), description: z.string().optional(), expects: z.record(z.string(), z.enum(['high', 'low'])) }))
    .optional()
    .describe('Documented personas to check against the segments; default: four retail personas'),
});

export default defineNode({
  type: 'report.render',
  title: 'Render segmentation report',
  category: 'Segmentation',
  description: 'Writes the segmentation refresh report, persona alignment assessment and segment performance comparison as Markdown and HTML with SVG charts.',
  config: configSchema,
  pure: true,
  async run(ctx) {
    const config = configSchema.parse(ctx.config);
    const base = readCustomerBase(ctx.input, 'report.render');
    const asOf = Object.values(base.segmentations ?? {})[0]?.asOf;
    const blocks: Block[] = [
      { kind: 'heading', level: 1, text: config.title },
      { kind: 'paragraph', text: `Run ${ctx.run.id} of scenario "${ctx.run.scenarioId}"${asOf ? `, data as of ${asOf}` : ''}. Every customer's segment comes with the reason in plain words; segment names marked "suggested" still need a person to confirm them.` },
      ...refreshReport(base),
      ...personaAlignment(base, config.personas ?? DEFAULT_PERSONAS),
      ...performanceComparison(base),
    ];
    const markdown = renderMarkdown(blocks);
    const html = renderHtml(config.title, blocks);
    // Kept with the run, so reviewers download or open the report from the API and the editor.
    await ctx.saveArtifact(`${ctx.nodeId}.html`, 'text/html; charset=utf-8', html);
    await ctx.saveArtifact(`${ctx.nodeId}.md`, 'text/markdown; charset=utf-8', markdown);
    return { output: { title: config.title, markdown, html, artifacts: [`${ctx.nodeId}.html`, `${ctx.nodeId}.md`] } };
  },
});
