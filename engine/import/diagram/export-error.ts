/**
 * Something in the scenario the diagram notation cannot write (a node id with a "."), at its JSON path
 * in the scenario. It is the user's to fix, so the CLI reports it in one line, not as a bug.
 *
 * @example new DiagramExportError('Node id "sc.ore" cannot be written …', 'nodes[1].id').message // → 'nodes[1].id: Node id "sc.ore" cannot be written …'
 */
export class DiagramExportError extends Error {
  constructor(
    message: string,
    /** Where in the scenario, e.g. `nodes[3].id`. */
    readonly path: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'DiagramExportError';
  }
}
