/**
 * A duplicate or an import gets a webhook path of its own: the copy of a
 * scenario listening on `segment/users` listens on `segment/users-copy`, so
 * both can be published (one path, one published scenario).
 */
import { describe, expect, it } from 'vitest';
import { withFreeWebhookPath } from '../../editor/src/components/scenarios/free-webhook-path';
import type { Scenario } from '../../engine/scenario/schema';

const hooked = (path: string): Scenario =>
  ({
    format: 'switchyard/scenario@1',
    id: 'copy',
    name: 'Copy',
    nodes: [
      { id: 'hook', type: 'trigger.webhook', config: { path, secret: '{{ secrets.SEGMENT_SECRET }}' } },
      { id: 'log', type: 'transform', config: { expression: '$' } },
    ],
    edges: [{ from: 'hook', to: 'log' }],
  }) as Scenario;

describe('withFreeWebhookPath', () => {
  it('moves a taken path to <path>-copy and keeps the rest of the trigger and the graph', () => {
    const { scenario, moved } = withFreeWebhookPath(hooked('segment/users'), ['segment/users', null, 'other']);
    expect(moved).toEqual({ from: 'segment/users', to: 'segment/users-copy' });
    expect(scenario.nodes[0].config).toEqual({ path: 'segment/users-copy', secret: '{{ secrets.SEGMENT_SECRET }}' });
    expect(scenario.nodes[1]).toEqual(hooked('x').nodes[1]);
    expect(scenario.edges).toEqual(hooked('x').edges);
  });

  it('counts on past copies already taken, and compares paths as the server does (no outer slashes)', () => {
    expect(withFreeWebhookPath(hooked('/segment/users/'), ['segment/users', 'segment/users-copy', '/segment/users-copy-2']).moved?.to).toBe('segment/users-copy-3');
  });

  it('leaves a free path, and a scenario without a webhook, as they are', () => {
    const free = hooked('segment/new');
    expect(withFreeWebhookPath(free, ['segment/users'])).toEqual({ scenario: free });
    const manual = { ...free, nodes: [{ id: 't', type: 'trigger.manual' }], edges: [] } as Scenario;
    expect(withFreeWebhookPath(manual, ['segment/new'])).toEqual({ scenario: manual });
  });
});
