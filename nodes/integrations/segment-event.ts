/**
 * `segment.event`: reads a Segment Spec event (page, track, identify,
 * screen, group, alias — as Segment's webhook destination sends it) and
 * normalises it into the bundle the User Segmentation scenario routes on:
 * `{ eventType, type, userId, email, traits, properties, … }`.
 * Pure parsing; no network.
 */
import { defineNode, expression, z } from '../sdk';

const SEGMENT_TYPES = ['page', 'track', 'identify', 'screen', 'group', 'alias'] as const;
type SegmentType = (typeof SEGMENT_TYPES)[number];

/**
 * The default eventType per Segment type or track event name. A track event
 * not listed becomes `track`; user mappings are laid over these.
 */
export const DEFAULT_SEGMENT_MAPPING: Readonly<Record<string, string>> = {
  page: 'page',
  screen: 'page',
  identify: 'signup',
  group: 'group',
  alias: 'alias',
  track: 'track',
  'Order Completed': 'purchase',
  'Product Purchased': 'purchase',
  'Signed Up': 'signup',
};

/** The normalised event, the node's output bundle. */
export interface NormalisedSegmentEvent {
  eventType: string;
  type: SegmentType;
  /** The track event name ("Order Completed"), else null. */
  event: string | null;
  /** The page or screen name, else null. */
  name: string | null;
  userId: string | null;
  anonymousId: string | null;
  email: string | null;
  traits: Record<string, unknown>;
  properties: Record<string, unknown>;
  context: Record<string, unknown>;
  timestamp: string | null;
  messageId: string | null;
  groupId?: string;
  previousId?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);

/**
 * Normalises one Segment event; throws naming the missing or wrong field (`where` prefixes its path).
 *
 * @example
 * normaliseSegmentEvent({ type: 'track', event: 'Order Completed', userId: 'u1', properties: { total: 10 } })
 * // → { eventType: 'purchase', type: 'track', userId: 'u1', properties: { total: 10 }, … }
 */
export function normaliseSegmentEvent(raw: unknown, mapping: Record<string, string> = {}, where = 'input'): NormalisedSegmentEvent {
  const fail = (message: string) => Object.assign(new Error(`segment.event: not a Segment event: ${message}`), { retryable: false });
  if (!isObject(raw)) throw fail(`${where} is ${Array.isArray(raw) ? 'an array' : raw === null ? 'null' : typeof raw}, expected an object with a "type" field`);
  const type = raw.type;
  if (type === undefined) throw fail(`${where}.type is missing (expected one of ${SEGMENT_TYPES.join(', ')})`);
  if (typeof type !== 'string' || !(SEGMENT_TYPES as readonly string[]).includes(type)) {
    throw fail(`${where}.type is ${JSON.stringify(type)}, expected one of ${SEGMENT_TYPES.join(', ')}`);
  }
  const userId = text(raw.userId);
  const anonymousId = text(raw.anonymousId);
  if (!userId && !anonymousId) throw fail(`${where}.userId and ${where}.anonymousId are both missing (Segment requires one)`);
  if (type === 'track' && !text(raw.event)) throw fail(`${where}.event is missing (a track event names what happened, e.g. "Order Completed")`);
  if (type === 'group' && !text(raw.groupId)) throw fail(`${where}.groupId is missing (required for a group event)`);
  if (type === 'alias' && !text(raw.previousId)) throw fail(`${where}.previousId is missing (required for an alias event)`);
  for (const field of ['properties', 'traits', 'context'] as const) {
    if (raw[field] !== undefined && raw[field] !== null && !isObject(raw[field])) throw fail(`${where}.${field} must be an object`);
  }

  const table = { ...DEFAULT_SEGMENT_MAPPING, ...mapping };
  const event = type === 'track' ? text(raw.event) : null;
  const eventType = (event !== null ? table[event] : undefined) ?? table[type] ?? type;
  const traits = (raw.traits as Record<string, unknown>) ?? {};
  const context = (raw.context as Record<string, unknown>) ?? {};
  const properties = (raw.properties as Record<string, unknown>) ?? {};
  const contextTraits = isObject(context.traits) ? context.traits : {};
  return {
    eventType,
    type: type as SegmentType,
    event,
    name: type === 'page' || type === 'screen' ? text(raw.name) : null,
    userId,
    anonymousId,
    // Segment puts the email in traits on identify and in context.traits on other calls.
    email: text(traits.email) ?? text(contextTraits.email) ?? text(properties.email),
    traits: { ...contextTraits, ...traits },
    properties,
    context,
    timestamp: text(raw.timestamp) ?? text(raw.originalTimestamp) ?? text(raw.receivedAt),
    messageId: text(raw.messageId),
    ...(type === 'group' ? { groupId: text(raw.groupId)! } : {}),
    ...(type === 'alias' ? { previousId: text(raw.previousId)! } : {}),
  };
}

export default defineNode({
  type: 'segment.event',
  title: 'Parse Segment event',
  category: 'Integrations',
  description:
    'Normalises a Segment Spec event (page, track, identify, screen, group, alias) into { eventType, userId, email, traits, properties, … }. "Order Completed" → purchase, identify → signup. A { batch: [...] } body gives one bundle per event.',
  config: z.object({
    event: expression('Where the Segment event is; default: the input bundle').optional(),
    mapping: z
      .record(z.string(), z.string().min(1))
      .optional()
      .describe('Segment type or track event name → eventType, laid over the defaults (e.g. { "Cart Viewed": "browse" })'),
  }),
  pure: true,
  run: ({ config, input }) => {
    // A configured `event` that evaluates to nothing is an error, not a silent fall-back to the input.
    const fromConfig = 'event' in config;
    const where = fromConfig ? 'config.event' : 'input';
    const source = fromConfig ? config.event : input;
    if (typeof source === 'object' && source !== null && Array.isArray((source as { batch?: unknown }).batch)) {
      return ((source as { batch: unknown[] }).batch).map((item, i) => ({ output: normaliseSegmentEvent(item, config.mapping, `${where}.batch[${i}]`) }));
    }
    return { output: normaliseSegmentEvent(source, config.mapping, where) };
  },
});
