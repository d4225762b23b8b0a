/**
 * Every scenario under examples/ validates, every example of ours has a
 * sample input, and the user-segmentation example is seed 002's diagram:
 * the same nodes, labels, groups, edges, edge labels and handle sides.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDocument } from '../../engine/import';
import { formatProblems, validateScenario } from '../../engine/scenario/validate';
import { createRegistry } from '../../nodes';
import { EXAMPLES_DIR, exampleFiles, readExample } from './support';

const registry = await createRegistry();
const SEED_002 = path.resolve('..', 'shared', 'seeds', '002_afcd5065394e5a39.txt');
/** Examples another engineer writes, with their own inputs. */
const SEGMENTATION_REVIEWS = ['customer-segmentation-review', 'explainable-segmentation'];

describe('examples', () => {
  it('finds the user-segmentation example and the five workflows of seed 002', () => {
    const ids = exampleFiles().map((f) => path.basename(f, '.json'));
    expect(ids).toEqual(expect.arrayContaining(['user-segmentation', 'email-marketing-campaign', 'ab-test-setup', 'account-deletion', 'api-key-rotation', 'billing-dispute']));
  });

  it.each(exampleFiles().map((f) => [path.basename(f), f]))('%s validates', (_name, file) => {
    const result = validateScenario(JSON.parse(readFileSync(file, 'utf8')), registry);
    const errors = result.problems.filter((p) => p.severity === 'error');
    expect(errors, formatProblems(errors)).toEqual([]);
    expect(result.ok).toBe(true);
    // An example is meant to run: no node is left to configure.
    expect(result.scenario!.nodes.filter((n) => n.type === 'placeholder').map((n) => n.id)).toEqual([]);
    expect(result.scenario!.id).toBe(path.basename(file, '.json'));
  });

  it.each(exampleFiles().map((f) => path.basename(f, '.json')).filter((id) => !SEGMENTATION_REVIEWS.includes(id)))('%s has a sample input', (id) => {
    const file = path.join(EXAMPLES_DIR, 'inputs', `${id}.json`);
    expect(existsSync(file), file).toBe(true);
    expect(() => JSON.parse(readFileSync(file, 'utf8'))).not.toThrow();
  });
});

describe('user-segmentation is seed 002', () => {
  it.skipIf(!existsSync(SEED_002))('has the seed diagram\'s 20 nodes, 3 groups and 23 edges with their labels and sides', async () => {
    const { scenario: seed } = await importDocument(readFileSync(SEED_002, 'utf8'), { filename: SEED_002 });
    const example = readExample('user-segmentation');
    expect(example.nodes).toHaveLength(20);
    expect(example.groups).toHaveLength(3);
    expect(example.edges).toHaveLength(23);
    const nodeShape = (n: (typeof seed.nodes)[number]) => ({ id: n.id, label: n.label, group: n.group, shape: n.shape });
    expect(example.nodes.map(nodeShape)).toEqual(seed.nodes.map(nodeShape));
    expect(example.groups!.map((g) => ({ id: g.id, label: g.label }))).toEqual(seed.groups!.map((g) => ({ id: g.id, label: g.label })));
    const edgeShape = (e: (typeof seed.edges)[number]) => ({ from: e.from, to: e.to, label: e.label, fromHandle: e.fromHandle, toHandle: e.toHandle });
    expect(example.edges.map(edgeShape)).toEqual(seed.edges.map(edgeShape));
    // Every node has a place on the canvas, and no two share one.
    const spots = example.nodes.map((n) => `${n.position?.x},${n.position?.y}`);
    expect(new Set(spots).size).toBe(20);
  });

  it('is configured with the integrations the seed names', () => {
    const types = Object.fromEntries(readExample('user-segmentation').nodes.map((n) => [n.id, n.type]));
    expect(types).toMatchObject({
      n1: 'start', n2: 'trigger.webhook', n3: 'segment.event', n4: 'router', n8: 'http.request', n10: 'router', n13: 'http.request',
      n15: 'braze.users.track', n16: 'braze.campaigns.trigger', n17: 'router', n18: 'email.send', n19: 'push.send', n20: 'end',
    });
    const webhook = readExample('user-segmentation').nodes.find((n) => n.id === 'n2')!.config;
    expect(webhook).toMatchObject({ path: 'user-segmentation', signature: 'sha1', secret: '{{ secrets.SEGMENT_SECRET }}' });
  });
});
