/**
 * Which output port an edge leaves from. Its own module, free of zod and
 * JSONata, because the editor's main bundle needs it for connection rules
 * while the validator stays in its worker chunk.
 */

/** Layout sides of the seed diagram; other handle names are output ports (`error`, `approved`, …). */
export const HANDLE_SIDES = ['left', 'right', 'top', 'bottom'] as const;

/** Ports every node has besides its declared outputs. */
export const DEFAULT_PORT = 'out';
export const ERROR_PORT = 'error';

/**
 * The output port an edge leaves from: a named handle, or the default one for layout sides.
 * @example edgePort('right') // 'out'; edgePort('approved') // 'approved'
 */
export function edgePort(fromHandle: string | undefined): string {
  if (!fromHandle || (HANDLE_SIDES as readonly string[]).includes(fromHandle)) return DEFAULT_PORT;
  return fromHandle;
}
