/**
 * Validation names every problem of a document in one answer: a node the
 * schema refuses does not hide the problems of the others, and a duplicate
 * id does not hide what else is wrong. Each problem is at its JSON path.
 */
import { describe, expect, it } from 'vitest';
import { printed, scenarioDocument } from './support';

/** The tester's bad3.json: node a's retry, timeoutMs and onError are malformed, and six more problems are elsewhere. */
function bad3(a: Record<string, unknown> = { retry: { attempts: 0, backoff: 'sometimes' }, timeoutMs: -5, onError: 'explode' }) {
  const nodes: Array<Record<string, unknown>> = [
    { id: 't', type: 'trigger.manual' },
    { id: 'a', type: 'transform', config: { expression: 'input' }, ...a },
    { id: 'b', type: 'transform', config: {} },
    { id: 'd', type: 'transform', config: { expression: 42 } },
    { id: 'w', type: 'trigger.webhook', config: { path: 'hook' } },
  ];
  const edges: Array<Record<string, unknown>> = [{ from: 't', to: 'a' }, { from: 'a', to: 'b', when: 'input.x >' }, { from: 'b', to: 'd' }, { from: 'd', to: 'a' }];
  return scenarioDocument('bad3', nodes, edges);
}

/** The six problems outside node a. */
const ELSEWHERE = [
  'error nodes[2].config.expression: Invalid input: expected string, received undefined',
  'error nodes[3].config.expression: Invalid input: expected string, received number',
  'error edges[1].when: JSONata: Unexpected end of expression (at character 9)',
  'error nodes[1]: Cycle: a → b → d → a',
  'error nodes[4]: A scenario needs exactly one trigger; it has 2 (t, w)',
  'warning nodes[4]: Node "w" cannot be reached from the trigger',
];

describe('one node\'s structural errors', () => {
  it('are listed together with every other problem of the document', () => {
    expect(printed(bad3())).toEqual([
      'error nodes[1].retry.attempts: Too small: expected number to be >=1',
      'error nodes[1].retry.backoff: Invalid option: expected one of "fixed"|"exponential"',
      'error nodes[1].timeoutMs: Too small: expected number to be >=1',
      'error nodes[1].onError: Invalid option: expected one of "fail"|"ignore"|"resume"|"break"',
      ...ELSEWHERE,
    ]);
  });

  it('leave the rest as it is once fixed: the same six problems', () => {
    expect(printed(bad3({}))).toEqual(ELSEWHERE);
  });

  it('skip only the checks that need the refused field', () => {
    const doc = bad3();
    // A config that is not an object cannot have its fields checked; the node still takes part in the graph.
    doc.nodes[2] = { id: 'b', type: 'transform', config: 'input.x' };
    // An edge condition that is not a string is not read as a missing label; the edge still closes the cycle.
    doc.edges[1] = { from: 'a', to: 'b', when: 7 };
    // A malformed id still names the node its edges point at.
    doc.nodes[3] = { id: 'd d', type: 'transform', config: { expression: 'input' } };
    doc.edges[2].to = 'd d';
    doc.edges[3].from = 'd d';
    expect(printed(doc)).toEqual([
      'error nodes[1].retry.attempts: Too small: expected number to be >=1',
      'error nodes[1].retry.backoff: Invalid option: expected one of "fixed"|"exponential"',
      'error nodes[1].timeoutMs: Too small: expected number to be >=1',
      'error nodes[1].onError: Invalid option: expected one of "fail"|"ignore"|"resume"|"break"',
      'error nodes[2].config: Invalid input: expected record, received string',
      'error nodes[3].id: Use letters, digits, and _ . : - (no spaces)',
      'error edges[1].when: Invalid input: expected string, received number',
      'error nodes[1]: Cycle: a → b → d d → a',
      'error nodes[4]: A scenario needs exactly one trigger; it has 2 (t, w)',
      'warning nodes[4]: Node "w" cannot be reached from the trigger',
    ]);
  });

  it('a node without a string id or type drops out of the graph without hiding the rest', () => {
    const doc = bad3({});
    doc.nodes.push(7 as never, { id: 'x', type: '' });
    expect(printed(doc)).toEqual([
      'error nodes[5]: Invalid input: expected object, received number',
      'error nodes[6].type: Node type is required',
      ...ELSEWHERE,
      'warning nodes[6]: Node "x" cannot be reached from the trigger',
    ]);
  });
});

describe('a duplicate node id', () => {
  const dup = scenarioDocument(
    'dup',
    [
      { id: 't', type: 'trigger.manual' },
      { id: 'a', type: 'transform', config: { expression: 'input +' } },
      { id: 'b', type: 'router', config: { subject: 'input.x' } },
      { id: 'c', type: 'http.request', config: { method: 'GET', url: 'ftp://x' } },
      { id: 'a', type: 'transform', config: {} },
    ],
    [{ from: 't', to: 'a' }, { from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'ghost' }],
  );

  it('is listed with every other problem, the duplicate node\'s own config included', () => {
    expect(printed(dup)).toEqual([
      'error nodes[1].config.expression: JSONata: Unexpected end of expression (at character 7)',
      'error nodes[3].config.url: Only http and https URLs are allowed, not "ftp:"',
      'error nodes[4].id: Duplicate node id "a" (also nodes[1])',
      'error nodes[4].config.expression: Invalid input: expected string, received undefined',
      'error edges[2].label: Router edge b → c needs a label or a "when" condition',
      'error edges[3].to: Edge ends at unknown node "ghost"',
    ]);
  });
});
