/**
 * What every importer hands back: a format v1 scenario plus the notes that
 * say what still needs configuring (the CLI prints the scenario to stdout
 * and the notes to stderr; the editor lists them beside the canvas).
 */
import type { NodeRegistry } from '../../nodes/registry';
import type { Scenario } from '../scenario/schema';

/** One thing the user still has to look at, pointing into the scenario where it can. */
export interface ImportNote {
  /** JSON path into the imported scenario, e.g. `nodes[7].config.url`. */
  path?: string;
  message: string;
}

export interface ImportResult {
  scenario: Scenario;
  notes: ImportNote[];
}

export interface ImportOptions {
  /** The file the text came from; used for the scenario id when the document names none. */
  filename?: string;
  /** Forces the scenario id. */
  id?: string;
  /** IANA time zone for imported schedules (workflow records); UTC when unset. */
  timezone?: string;
  /** When given, a v1 document that passes through is also checked against the registry; its problems become notes. */
  registry?: NodeRegistry;
}

/** The source formats `importDocument` recognises. */
export type ImportFormat = 'scenario' | 'make-blueprint' | 'workflow-record' | 'diagram';

/**
 * A problem in the imported text, located by line and column (1-based), or
 * by JSON path for JSON documents.
 */
export class ImportError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
    readonly path?: string,
  ) {
    const where = line !== undefined ? `line ${line}, column ${column ?? 1}: ` : path ? `${path}: ` : '';
    super(`${where}${message}`);
    this.name = 'ImportError';
  }
}
