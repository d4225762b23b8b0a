import { describe, expect, it } from 'vitest';
import { detectFormat, importDocument } from '../../engine/import';
import { ImportError } from '../../engine/import/types';
import { createRegistry } from '../../nodes';
import { blueprint, seed } from './support';

const v1 = {
  format: 'switchyard/scenario@1',
  id: 'hello',
  name: 'Hello',
  nodes: [{ id: 't', type: 'trigger.manual' }, { id: 'x', type: 'transform', config: { expression: 'input' } }],
  edges: [{ from: 't', to: 'x' }],
};

describe('importDocument', () => {
  it('detects each format', () => {
    expect(detectFormat(JSON.stringify(v1))).toBe('scenario');
    expect(detectFormat(blueprint('filter-gate.json'))).toBe('make-blueprint');
    expect(detectFormat(seed('000'))).toBe('workflow-record');
    expect(detectFormat(seed('002'))).toBe('diagram');
  });

  it('passes a v1 scenario through, with registry problems as notes when a registry is given', async () => {
    const { scenario, notes } = await importDocument(JSON.stringify(v1));
    expect(scenario).toMatchObject(v1);
    expect(notes).toEqual([]);
    const broken = { ...v1, nodes: [...v1.nodes, { id: 'y', type: 'no.such.type' }] };
    const checked = await importDocument(JSON.stringify(broken), { registry: await createRegistry() });
    expect(checked.notes).toContainEqual({ path: 'nodes[2].type', message: 'error: Unknown node type "no.such.type"' });
  });

  it('refuses a broken v1 document naming the path', async () => {
    await expect(importDocument(JSON.stringify({ ...v1, nodes: [{ id: 'bad id', type: 'x' }] }))).rejects.toThrow(/^nodes\[0\]\.id: /);
  });

  it('names line and column of invalid JSON', async () => {
    const error = (await importDocument('{\n  "flow": [,]\n}').catch((e: unknown) => e)) as ImportError;
    expect(error).toBeInstanceOf(ImportError);
    expect({ line: error.line, column: error.column }).toEqual({ line: 2, column: 12 });
  });

  it('refuses JSON it does not recognise', async () => {
    await expect(importDocument('{"hello": 1}')).rejects.toThrow(/Unrecognised JSON/);
  });

  it('refuses prose that is neither JSON, a workflow record nor a diagram, as the use-case seed (004) is', async () => {
    const error = (await importDocument(seed('004')).catch((e: unknown) => e)) as ImportError;
    expect(error).toBeInstanceOf(ImportError);
    expect(error.message).toMatch(/^Nothing to import: found \d+ lines of prose \(starting "# Use Case 01: /);
    // The seeds that are a diagram and a workflow record in prose still import.
    expect((await importDocument(seed('002'))).scenario.nodes).toHaveLength(20);
    expect((await importDocument(seed('000'))).scenario.nodes.length).toBeGreaterThan(1);
  });

  it('uses the id option and the file name', async () => {
    expect((await importDocument(blueprint('filter-gate.json'), { id: 'gate' })).scenario.id).toBe('gate');
    expect((await importDocument('a: rectangle label:"A"', { filename: 'my flow.txt' })).scenario.id).toBe('my-flow');
  });
});
