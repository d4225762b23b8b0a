/**
 * A new scenario (a duplicate, an import) listens on a webhook path no other
 * scenario uses. A copy that kept the original's path could never be
 * published beside it (409: one path, one published scenario), and a draft
 * on a path already listened on gets no test events; as n8n gives a
 * duplicated workflow new webhook ids, the copy gets `<path>-copy`.
 */
import { webhookPathKey } from '../../../../engine/scenario/webhook-path';
import type { Scenario } from '../../api/types';

/** What changed, for the message the list shows. */
export interface MovedWebhook {
  from: string;
  to: string;
}

/**
 * The scenario with its webhook trigger on a path none of `taken` is, and what moved, if anything did.
 * @example withFreeWebhookPath(copy, ['segment/users']).moved // { from: 'segment/users', to: 'segment/users-copy' }
 */
export function withFreeWebhookPath(scenario: Scenario, taken: ReadonlyArray<string | null | undefined>): { scenario: Scenario; moved?: MovedWebhook } {
  const used = new Set(taken.filter((p): p is string => !!p).map(webhookPathKey));
  const index = scenario.nodes.findIndex((n) => n.type === 'trigger.webhook' && typeof n.config?.path === 'string' && used.has(webhookPathKey(n.config.path as string)));
  if (index < 0) return { scenario };
  const node = scenario.nodes[index];
  const from = node.config!.path as string;
  const base = `${webhookPathKey(from)}-copy`;
  let to = base;
  for (let i = 2; used.has(to); i++) to = `${base}-${i}`;
  const nodes = scenario.nodes.map((n, i) => (i === index ? { ...n, config: { ...n.config, path: to } } : n));
  return { scenario: { ...scenario, nodes }, moved: { from, to } };
}
