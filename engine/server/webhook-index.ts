/**
 * Which scenario a `POST /hooks/<path>` belongs to. Built from the store and
 * refreshed on publish, unpublish, save and delete; a path it does not know
 * triggers one throttled reload, so a scenario published through another
 * server is found too.
 */
import type { z } from 'zod';
import { webhookTrigger } from '../../nodes/builtin/flow';
import type { Scenario } from '../scenario/schema';
import { webhookPathKey } from '../scenario/webhook-path';
import type { Store } from '../store/store';

export type WebhookConfig = z.output<typeof webhookTrigger.config>;

export interface WebhookTarget {
  scenarioId: string;
  version: number;
  scenario: Scenario;
  config: WebhookConfig;
}

/**
 * Only a draft listens on the path: `version` is that draft, `publishedVersion`
 * the version that is live (on another path), or null when none is.
 */
export interface DraftListener {
  scenarioId: string;
  version: number;
  publishedVersion: number | null;
}

export type WebhookLookup = { kind: 'published'; target: WebhookTarget } | ({ kind: 'unpublished' } & DraftListener) | undefined;

/**
 * The webhook trigger config of a scenario, or undefined when it has none (or an unreadable one).
 * @example webhookOf(scenario)?.path // 'segment/users'
 */
export function webhookOf(scenario: Scenario): WebhookConfig | undefined {
  const node = scenario.nodes.find((n) => n.type === webhookTrigger.type && !n.disabled);
  if (!node) return undefined;
  const parsed = webhookTrigger.config.safeParse(node.config ?? {});
  return parsed.success ? parsed.data : undefined;
}

export class WebhookIndex {
  private published = new Map<string, WebhookTarget>();
  private drafts = new Map<string, DraftListener>();
  private lastReload = 0;
  private reloading?: Promise<void>;

  constructor(
    private readonly store: Store,
    private readonly reloadEveryMs = 1000,
  ) {}

  /** Rebuilds the index from the store. */
  refresh(): Promise<void> {
    this.reloading ??= this.load().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  /**
   * @example const found = await index.find('segment/users');
   */
  async find(rawPath: string): Promise<WebhookLookup> {
    const path = webhookPathKey(rawPath);
    let found = this.lookup(path);
    if (!found && Date.now() - this.lastReload > this.reloadEveryMs) {
      await this.refresh();
      found = this.lookup(path);
    }
    return found;
  }

  /** The published scenario other than `scenarioId` that already listens on `path`, if any. */
  owner(path: string, exceptScenarioId?: string): string | undefined {
    const target = this.published.get(webhookPathKey(path));
    return target && target.scenarioId !== exceptScenarioId ? target.scenarioId : undefined;
  }

  private lookup(path: string): WebhookLookup {
    const target = this.published.get(path);
    if (target) return { kind: 'published', target };
    const draft = this.drafts.get(path);
    return draft ? { kind: 'unpublished', ...draft } : undefined;
  }

  private async load(): Promise<void> {
    const [published, all] = await Promise.all([this.store.listPublished(), this.store.listScenarios()]);
    const next = new Map<string, WebhookTarget>();
    for (const p of published) {
      const config = webhookOf(p.scenario);
      // Publishing refuses a second owner of a path; the first by id wins should old data disagree.
      if (config && !next.has(webhookPathKey(config.path))) next.set(webhookPathKey(config.path), { scenarioId: p.id, version: p.version, scenario: p.scenario, config });
    }
    const drafts = new Map<string, DraftListener>();
    for (const s of all) {
      const config = webhookOf(s.scenario);
      if (config && !next.has(webhookPathKey(config.path))) drafts.set(webhookPathKey(config.path), { scenarioId: s.id, version: s.version, publishedVersion: s.publishedVersion });
    }
    this.published = next;
    this.drafts = drafts;
    this.lastReload = Date.now();
  }
}
