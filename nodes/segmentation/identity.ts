/**
 * Identity resolution: profiles that share a normalised email, a normalised
 * phone number or an alias are one customer. Union-find over those keys, so
 * A~B by email and B~C by phone makes one customer of all three.
 *
 * The surviving profile is the alias target if there is one, else the
 * profile that signed up first (then the smallest id). It keeps its own
 * values and fills gaps from the others. Consent is merged conservatively:
 * a purpose survives only when every merged profile that states consent
 * lists it — a withdrawal on any duplicate wins.
 */
import type { Customer, CustomerEvent, Order, PeriodData } from './types';

/**
 * @example normaliseEmail('  Ada.Lovelace@Example.COM ') // → 'ada.lovelace@example.com'
 */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * E.164-like digits: `+` and the country code, then the number. `00` counts
 * as `+`; a national number (leading 0, or no prefix) gets `defaultCountryCode`.
 *
 * @example normalisePhone('0151 / 234-5678', '49') // → '+491512345678'
 * @example normalisePhone('+49 (151) 2345678', '49') // → '+491512345678'
 */
export function normalisePhone(phone: string, defaultCountryCode = '1'): string {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+')) return `+${digits}`;
  if (digits.startsWith('00')) return `+${digits.slice(2)}`;
  if (digits.startsWith('0')) return `+${defaultCountryCode}${digits.slice(1)}`;
  if (digits.startsWith(defaultCountryCode) && digits.length > 10) return `+${digits}`;
  return `+${defaultCountryCode}${digits}`;
}

export interface IdentityOptions {
  /** Old or secondary customer id → the id it belongs to. */
  aliases: Record<string, string>;
  defaultCountryCode: string;
  /** What to do with orders and events of ids that match no profile. */
  missing: 'drop' | 'keep';
}

export interface MergeRecord {
  into: string;
  merged: string[];
  /** Which keys tied the profiles together. */
  by: Array<'email' | 'phone' | 'alias'>;
}

export interface IdentityReport {
  profilesIn: number;
  profilesOut: number;
  merges: MergeRecord[];
  missingProfiles: { customerIds: string[]; count: number; orders: number; events: number; dropped: boolean };
}

class UnionFind {
  private readonly parent = new Map<string, string>();
  find(x: string): string {
    let root = x;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    // Path compression keeps large customer bases near-linear.
    let node = x;
    while (node !== root) {
      const next = this.parent.get(node)!;
      this.parent.set(node, root);
      node = next;
    }
    if (!this.parent.has(root)) this.parent.set(root, root);
    return root;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }
}

function signup(c: Customer): string {
  return typeof c.signupDate === 'string' ? c.signupDate : '9999';
}

/**
 * Merges duplicate profiles of one period and points orders and events at the surviving ids.
 *
 * @example resolveIdentities(period, { aliases: { 'C-OLD-7': 'C-0007' }, defaultCountryCode: '49', missing: 'drop' })
 */
export function resolveIdentities(period: PeriodData, options: IdentityOptions): { data: PeriodData; report: IdentityReport } {
  const uf = new UnionFind();
  const links = new Map<string, Set<'email' | 'phone' | 'alias'>>();
  const byKey = new Map<string, string>();
  const ids = new Set(period.customers.map((c) => c.id));
  const link = (a: string, b: string, how: 'email' | 'phone' | 'alias') => {
    uf.union(a, b);
    for (const id of [a, b]) (links.get(id) ?? links.set(id, new Set()).get(id)!).add(how);
  };
  const normalised = period.customers.map((c) => ({
    ...c,
    ...(typeof c.email === 'string' ? { email: normaliseEmail(c.email) } : {}),
    ...(typeof c.phone === 'string' ? { phone: normalisePhone(c.phone, options.defaultCountryCode) } : {}),
  }));
  for (const c of normalised) {
    uf.find(c.id);
    for (const [kind, value] of [['email', c.email], ['phone', c.phone]] as const) {
      if (typeof value !== 'string' || !value) continue;
      const key = `${kind}:${value}`;
      const other = byKey.get(key);
      if (other === undefined) byKey.set(key, c.id);
      else link(other, c.id, kind);
    }
  }
  for (const [alias, target] of Object.entries(options.aliases)) if (ids.has(alias) && ids.has(target)) link(target, alias, 'alias');

  const groups = new Map<string, Customer[]>();
  for (const c of normalised) {
    const root = uf.find(c.id);
    (groups.get(root) ?? groups.set(root, []).get(root)!).push(c);
  }
  const aliasTargets = new Set(Object.values(options.aliases));
  const survivorOf = new Map<string, string>();
  const customers: Customer[] = [];
  const merges: MergeRecord[] = [];
  for (const members of groups.values()) {
    const ordered = [...members].sort(
      (a, b) => Number(aliasTargets.has(b.id)) - Number(aliasTargets.has(a.id)) || signup(a).localeCompare(signup(b)) || a.id.localeCompare(b.id),
    );
    const survivor: Customer = { ...ordered[0] };
    for (const other of ordered.slice(1)) for (const [k, v] of Object.entries(other)) if (survivor[k] === undefined) survivor[k] = v;
    const stated = members.filter((m) => Array.isArray(m.consent));
    if (stated.length) survivor.consent = stated.map((m) => m.consent!).reduce((acc, list) => acc.filter((p) => list.includes(p)));
    customers.push(survivor);
    for (const m of members) survivorOf.set(m.id, survivor.id);
    if (members.length > 1) {
      const by = new Set<'email' | 'phone' | 'alias'>();
      for (const m of members) for (const how of links.get(m.id) ?? []) by.add(how);
      merges.push({ into: survivor.id, merged: ordered.slice(1).map((m) => m.id), by: [...by].sort() });
    }
  }
  for (const [alias, target] of Object.entries(options.aliases)) if (!survivorOf.has(alias) && survivorOf.has(target)) survivorOf.set(alias, survivorOf.get(target)!);

  const missingIds = new Set<string>();
  let missingOrders = 0;
  let missingEvents = 0;
  const remap = <T extends Order | CustomerEvent>(items: T[], count: () => void): T[] => {
    const out: T[] = [];
    for (const item of items) {
      const id = survivorOf.get(item.customerId);
      if (id === undefined) {
        missingIds.add(item.customerId);
        count();
        if (options.missing === 'keep') out.push(item);
      } else out.push(id === item.customerId ? item : { ...item, customerId: id });
    }
    return out;
  };
  const orders = remap(period.orders, () => missingOrders++);
  const events = remap(period.events, () => missingEvents++);
  merges.sort((a, b) => a.into.localeCompare(b.into));
  return {
    data: { ...period, customers, orders, events },
    report: {
      profilesIn: period.customers.length,
      profilesOut: customers.length,
      merges,
      missingProfiles: {
        customerIds: [...missingIds].sort().slice(0, 50),
        count: missingIds.size,
        orders: missingOrders,
        events: missingEvents,
        dropped: options.missing === 'drop',
      },
    },
  };
}
