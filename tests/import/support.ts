/** Shared helpers for the importer tests: seeds, fixtures, and "configure the placeholders". */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Scenario } from '../../engine/scenario/schema';

export const SEEDS = '/work/shared/seeds';
export const BLUEPRINTS = '/work/shared/fixtures/make-blueprints';

export function seed(name: '000' | '002' | '004'): string {
  const file = readdirSync(SEEDS).find((f) => f.startsWith(`${name}_`))!;
  return readFileSync(path.join(SEEDS, file), 'utf8');
}

export function blueprintFiles(): string[] {
  return readdirSync(BLUEPRINTS).filter((f) => f.endsWith('.json'));
}

export function blueprint(file: string): string {
  return readFileSync(path.join(BLUEPRINTS, file), 'utf8');
}

/** What a user does after importing: each placeholder becomes a transform passing its bundle on; HTTP requests get a URL. */
export function configurePlaceholders(scenario: Scenario): Scenario {
  const copy = structuredClone(scenario);
  for (const node of copy.nodes) {
    if (node.type === 'placeholder') {
      node.type = 'transform';
      node.config = { expression: 'input' };
    }
    if (node.type === 'http.request' && !node.config?.url) node.config = { ...node.config, url: 'https://ml.example.com/predict' };
  }
  return copy;
}
