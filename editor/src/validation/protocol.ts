/** Messages between the editor and its validation worker. */
import type { Problem } from '../../../engine/scenario/validate';
import type { NodeTypeDescription, Scenario } from '../api/types';

export interface ValidationRequest {
  id: number;
  doc: Scenario;
  /** Sent with the first request (and when the node types change). */
  descriptions?: NodeTypeDescription[];
}

export interface ValidationResponse {
  id: number;
  problems: Problem[];
}
