/**
 * A deterministic synthetic customer base for the segmentation examples and
 * tests: four planted behaviour segments, dirty identifiers, missing consent,
 * orphaned orders, a campaign with a control group, and a last quarter with
 * known drift. The same seed always gives the same base.
 *
 * Planted segments (per year, before drift):
 *   vip      — ~24 orders, baskets ~120, always recent
 *   bargain  — ~18 orders, baskets ~25
 *   big      — ~3 orders, baskets ~400 ("occasional big spenders")
 *   dormant  — 1–3 orders long ago, baskets ~50
 * Drift in the last quarter (priorAsOf, asOf]: 30% of vip stop ordering,
 * 25% of dormant make a burst of 4 cheap orders in the last 25 days
 * (a promotion spike the look-back damping must absorb), bargain baskets grow
 * by 30%, and 6% new customers sign up.
 */

import { seededRandom } from '../../nodes/segmentation/math/random';

export const PLANTED = ['vip', 'bargain', 'big', 'dormant'] as const;
export type Planted = (typeof PLANTED)[number];

export interface SynthOptions {
  seed: number;
  customers: number;
  /** Reference date of the current period. */
  asOf?: string;
  /** Reference date of the prior period (a quarter earlier). */
  priorAsOf?: string;
  /** Plant the last quarter's drift (default true). */
  drift?: boolean;
}

export interface SynthCustomer {
  id: string;
  email: string;
  phone: string;
  name: string;
  country: string;
  signupDate: string;
  consent: string;
  birthYear: number;
  gender: string;
}

export interface SynthBase {
  asOf: string;
  priorAsOf: string;
  customers: SynthCustomer[];
  orders: Array<{ orderId: string; customerId: string; date: string; amount: number; category: string }>;
  events: Array<Record<string, unknown>>;
  /** Old ids still found in orders → the profile they belong to. */
  aliases: Record<string, string>;
  /** Planted segment and drift of every real person (keyed by their original id). */
  truth: Array<{ customerId: string; planted: Planted; drift: string }>;
}

/** The seeded generator the whole base is drawn from (re-exported for tests). */
export const prng = seededRandom;

const DAY = 86_400_000;
const FIRST = ['ada', 'alan', 'grace', 'linus', 'margaret', 'edsger', 'barbara', 'ken', 'radia', 'tim', 'frances', 'john', 'hedy', 'donald', 'sophie'];
const LAST = ['lovelace', 'turing', 'hopper', 'torvalds', 'hamilton', 'dijkstra', 'liskov', 'thompson', 'perlman', 'lee', 'allen', 'backus', 'lamarr', 'knuth', 'wilson'];
const PROFILE: Record<Planted, { share: number; perYear: [number, number]; basket: [number, number]; categories: string[]; views: number; convert: [number, number] }> = {
  vip: { share: 0.15, perYear: [20, 28], basket: [100, 140], categories: ['electronics', 'fashion'], views: 4, convert: [0.2, 0.26] },
  bargain: { share: 0.3, perYear: [15, 21], basket: [20, 30], categories: ['groceries', 'household'], views: 3, convert: [0.12, 0.27] },
  big: { share: 0.2, perYear: [2, 4], basket: [350, 450], categories: ['furniture', 'electronics'], views: 2, convert: [0.05, 0.05] },
  dormant: { share: 0.35, perYear: [1, 3], basket: [40, 60], categories: ['books', 'fashion'], views: 0.3, convert: [0.02, 0.05] },
};

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function messyEmail(email: string, rand: () => number): string {
  const variants = [email.toUpperCase(), `  ${email}`, `${email[0].toUpperCase()}${email.slice(1)} `, email.replace('@', '@').toLowerCase()];
  return variants[Math.floor(rand() * 3)];
}

function phoneFormats(national: string, rand: () => number): string {
  const [a, b] = [national.slice(0, 3), national.slice(3)];
  const formats = [`+49 ${a} ${b}`, `0${a}-${b}`, `0049 ${a} ${b}`, `(0${a}) ${b.slice(0, 3)} ${b.slice(3)}`];
  return formats[Math.floor(rand() * formats.length)];
}

/**
 * Builds the base in memory.
 *
 * @example const base = generateCustomerBase({ seed: 7, customers: 2000 });
 */
export function generateCustomerBase(options: SynthOptions): SynthBase {
  const rand = prng(options.seed);
  const between = (lo: number, hi: number) => lo + rand() * (hi - lo);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
  const asOf = options.asOf ?? '2025-12-31';
  const priorAsOf = options.priorAsOf ?? iso(Date.parse(asOf) - 92 * DAY);
  const end = Date.parse(asOf);
  const priorEnd = Date.parse(priorAsOf);
  const start = priorEnd - 456 * DAY;
  const drift = options.drift ?? true;

  const customers: SynthCustomer[] = [];
  const orders: SynthBase['orders'] = [];
  const events: SynthBase['events'] = [];
  const truth: SynthBase['truth'] = [];
  const aliases: Record<string, string> = {};
  let orderNo = 0;
  const newCount = drift ? Math.round(options.customers * 0.06) : 0;
  const total = options.customers + newCount;

  for (let i = 0; i < total; i++) {
    const id = `C-${String(i + 1).padStart(5, '0')}`;
    const isNew = i >= options.customers;
    const roll = rand();
    let acc = 0;
    let planted: Planted = 'dormant';
    for (const p of PLANTED) {
      acc += PROFILE[p].share;
      if (roll < acc) {
        planted = p;
        break;
      }
    }
    const profile = PROFILE[planted];
    const first = pick(FIRST);
    const last = pick(LAST);
    const email = `${first}.${last}${i + 1}@example.com`;
    const national = `15${String(Math.floor(rand() * 1e8)).padStart(8, '0')}`;
    const signup = isNew ? between(priorEnd + DAY, end - 20 * DAY) : between(start - 400 * DAY, start);
    const consentRoll = rand();
    const consent = consentRoll < 0.08 ? '' : consentRoll < 0.13 ? 'analytics' : 'marketing;analytics';
    customers.push({
      id,
      email: rand() < 0.3 ? messyEmail(email, rand) : email,
      phone: phoneFormats(national, rand),
      name: `${first[0].toUpperCase()}${first.slice(1)} ${last[0].toUpperCase()}${last.slice(1)}`,
      country: pick(['DE', 'DE', 'DE', 'AT', 'CH']),
      signupDate: iso(signup),
      consent,
      birthYear: Math.floor(between(1950, 2004)),
      gender: pick(['f', 'm', 'f', 'm', 'x']),
    });

    // Behaviour: a jittered regular order stream, then the quarter's drift.
    let driftKind = 'none';
    const perYear = between(...profile.perYear);
    const basket = between(...profile.basket);
    const dates: Array<{ ms: number; basket: number }> = [];
    if (isNew) {
      driftKind = 'new';
      const n = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < n; k++) dates.push({ ms: between(Math.max(signup, end - 60 * DAY), end), basket });
    } else if (planted === 'dormant') {
      const lastOrder = priorEnd - between(200, 300) * DAY;
      const n = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < n; k++) dates.push({ ms: lastOrder - (k === 0 ? 0 : between(0, 150) * DAY), basket });
    } else {
      const gap = (365 / perYear) * DAY;
      let t = start + rand() * gap;
      while (t <= end) {
        dates.push({ ms: t, basket });
        t += gap * between(0.7, 1.3);
      }
    }
    if (drift && !isNew) {
      if (planted === 'vip' && rand() < 0.3) {
        driftKind = 'stopped';
        for (let k = dates.length - 1; k >= 0; k--) if (dates[k].ms > priorEnd) dates.splice(k, 1);
      } else if (planted === 'dormant' && rand() < 0.25) {
        driftKind = 'spike';
        for (let k = 0; k < 4; k++) dates.push({ ms: end - between(0, 25) * DAY, basket: between(20, 35) });
      } else if (planted === 'bargain') {
        driftKind = 'bigger-baskets';
        for (const d of dates) if (d.ms > priorEnd) d.basket *= 1.3;
      }
    }
    // A duplicate profile for 4% of people: same person, messier identifiers, some orders under its id.
    let duplicateId: string | undefined;
    if (!isNew && rand() < 0.04) {
      duplicateId = `C-${String(90000 + i).padStart(5, '0')}`;
      const viaPhone = rand() < 0.5;
      customers.push({
        ...customers[customers.length - 1],
        id: duplicateId,
        email: viaPhone ? `${first}${i + 1}@mail.example.org` : messyEmail(email, rand),
        phone: viaPhone ? phoneFormats(national, rand) : phoneFormats(`17${String(Math.floor(rand() * 1e8)).padStart(8, '0')}`, rand),
        signupDate: iso(signup + 30 * DAY),
      });
    }
    const aliasId = !isNew && rand() < 0.01 ? `L-${String(i + 1).padStart(5, '0')}` : undefined;
    if (aliasId) aliases[aliasId] = id;
    for (const d of dates.sort((a, b) => a.ms - b.ms)) {
      const owner = duplicateId && rand() < 0.4 ? duplicateId : aliasId && rand() < 0.5 ? aliasId : id;
      orders.push({ orderId: `O-${++orderNo}`, customerId: owner, date: iso(d.ms), amount: Math.round(d.basket * between(0.8, 1.2) * 100) / 100, category: pick(profile.categories) });
    }
    const views = Math.round(profile.views * ((end - Math.max(start, signup)) / (365 * DAY)) * between(0.5, 1.5));
    for (let k = 0; k < views; k++) events.push({ customerId: id, type: 'page_view', ts: iso(between(Math.max(start, signup), end)) });
    // The quarter's campaign: 80% of customers exposed, half of them held out as control.
    if (rand() < 0.8) {
      const group = rand() < 0.5 ? 'treatment' : 'control';
      const p = group === 'treatment' ? profile.convert[1] : profile.convert[0];
      events.push({ customerId: id, type: 'campaign', ts: iso(end - 45 * DAY), campaign: 'winter-offer', group, converted: rand() < p });
    }
    truth.push({ customerId: id, planted, drift: driftKind });
  }
  for (let k = 0; k < Math.max(1, Math.round(options.customers * 0.005)); k++) {
    orders.push({ orderId: `O-${++orderNo}`, customerId: `C-GONE-${k + 1}`, date: iso(between(start, end)), amount: 42, category: 'books' });
  }
  orders.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : Number(a.orderId.slice(2)) - Number(b.orderId.slice(2))));
  events.sort((a, b) => (String(a.ts) < String(b.ts) ? -1 : String(a.ts) > String(b.ts) ? 1 : 0));
  return { asOf, priorAsOf, customers, orders, events, aliases, truth };
}

function csvCell(value: unknown): string {
  const text = String(value ?? '');
  return /[",\n\r]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Writes rows as CSV with a header (quoting cells that need it).
 *
 * @example toCsv([{ a: 1, b: 'x, y' }]) // → 'a,b\n1,"x, y"\n'
 */
export function toCsv(rows: ReadonlyArray<Record<string, unknown>>): string {
  if (rows.length === 0) return '';
  const header = Object.keys(rows[0]);
  return [header.join(','), ...rows.map((r) => header.map((h) => csvCell(r[h])).join(','))].join('\n') + '\n';
}
