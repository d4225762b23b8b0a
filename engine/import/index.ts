/**
 * One entry for every importer: detects what the text is — a format v1
 * scenario, a Make blueprint, a workflow record (bare or inside prose), or
 * the Make-style text diagram — and returns a v1 scenario with notes on
 * what still needs configuring.
 */
import { validateScenario } from '../scenario/validate';
import { scenarioSchema, SCENARIO_FORMAT } from '../scenario/schema';
import { formatPath } from '../scenario/path';
import { importDiagram } from './diagram/import';
import { findJsonObject, isRecord, parseJson } from './json-text';
import { importBlueprint } from './make/blueprint';
import { ImportError, type ImportFormat, type ImportOptions, type ImportResult } from './types';
import { importWorkflowRecord, isWorkflowRecord } from './workflow/record';

/**
 * Which importer a document needs.
 *
 * @example detectFormat('{"flow": []}') // → 'make-blueprint'
 */
export function detectFormat(text: string): ImportFormat {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const value = parseJson(trimmed);
    if (isRecord(value) && value.format !== undefined) return 'scenario';
    if (isRecord(value) && Array.isArray(value.flow)) return 'make-blueprint';
    if (isWorkflowRecord(value)) return 'workflow-record';
    throw new ImportError(
      'Unrecognised JSON: expected a Switchyard scenario ("format"), a Make blueprint ("flow") or a workflow record ("_kind": "Workflow")',
      undefined,
      undefined,
      '$',
    );
  }
  if (findJsonObject(text, isWorkflowRecord)) return 'workflow-record';
  return 'diagram';
}

/**
 * Imports a document of any supported format.
 *
 * @example
 * const { scenario, notes } = await importDocument(readFileSync('blueprint.json', 'utf8'), { filename: 'blueprint.json' });
 * process.stdout.write(JSON.stringify(scenario, null, 2));
 * for (const n of notes) process.stderr.write(`${n.path ?? ''} ${n.message}\n`);
 */
export async function importDocument(text: string, options: ImportOptions = {}): Promise<ImportResult> {
  const format = detectFormat(text);
  switch (format) {
    case 'scenario':
      return passThrough(parseJson(text.trim()), options);
    case 'make-blueprint':
      return importBlueprint(parseJson(text.trim()), options);
    case 'workflow-record': {
      const trimmed = text.trim();
      const record = trimmed.startsWith('{') ? (parseJson(trimmed) as Record<string, unknown>) : findJsonObject(text, isWorkflowRecord)!;
      return importWorkflowRecord(record, options);
    }
    default:
      return importDiagram(text, options);
  }
}

/** A v1 document comes through as it is, once its structure is sound; registry problems become notes. */
function passThrough(document: unknown, options: ImportOptions): ImportResult {
  if (isRecord(document) && document.format !== SCENARIO_FORMAT) {
    throw new ImportError(`Unsupported scenario format "${String(document.format)}" (expected "${SCENARIO_FORMAT}")`, undefined, undefined, 'format');
  }
  const parsed = scenarioSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
    throw new ImportError(`${issue.message}${more}`, undefined, undefined, formatPath(issue.path as PropertyKey[]) || '$');
  }
  const scenario = { ...parsed.data, id: options.id ?? parsed.data.id };
  const notes = options.registry ? validateScenario(scenario, options.registry).problems.map((p) => ({ path: p.path, message: `${p.severity}: ${p.message}` })) : [];
  return { scenario, notes };
}

export { exportDiagram } from './diagram/export';
export { DiagramExportError } from './diagram/export-error';
export { importDiagram } from './diagram/import';
export { parseDiagram } from './diagram/parse';
export { importBlueprint } from './make/blueprint';
export { importWorkflowRecord } from './workflow/record';
export { ImportError, type ImportFormat, type ImportNote, type ImportOptions, type ImportResult } from './types';
