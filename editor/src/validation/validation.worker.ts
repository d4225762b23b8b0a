/**
 * Runs the scenario validator off the main thread: checking a 2,000-node
 * scenario takes a good part of a second (every expression is parsed), and
 * the canvas must keep answering meanwhile.
 */
import { validateScenario } from '../../../engine/scenario/validate';
import type { NodeTypeDescription } from '../api/types';
import { clientRegistry } from '../model/client-registry';
import type { ValidationRequest, ValidationResponse } from './protocol';

let registry: ReturnType<typeof clientRegistry> | undefined;
let describedBy: NodeTypeDescription[] | undefined;

self.onmessage = (event: MessageEvent<ValidationRequest>) => {
  const { id, doc, descriptions } = event.data;
  if (descriptions && descriptions !== describedBy) {
    registry = clientRegistry(descriptions);
    describedBy = descriptions;
  }
  if (!registry) return;
  const { problems } = validateScenario(doc, registry);
  (self as unknown as Worker).postMessage({ id, problems } satisfies ValidationResponse);
};
