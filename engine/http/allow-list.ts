/**
 * SWITCHYARD_ALLOW_HOSTS: the hosts, IPs and CIDR ranges an operator lets
 * outbound nodes reach even though they are loopback, private or reserved
 * (local stand-ins, an internal ML service).
 */
import { inRange, parseAddress, parseRange, type AddressRange } from './address';

/** The parsed allowlist. */
export interface AllowList {
  /** The entries as given, for error messages. */
  readonly entries: readonly string[];
  /** True when the URL's host name or the resolved address is listed. */
  allows(host: string, address: string): boolean;
}

/**
 * Splits a comma-separated `SWITCHYARD_ALLOW_HOSTS` value into entries.
 *
 * @example splitAllowHosts('127.0.0.1, ml.internal,10.0.0.0/8') // → ['127.0.0.1', 'ml.internal', '10.0.0.0/8']
 */
export function splitAllowHosts(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * Builds an allowlist. Entries are host names (`ml.internal`, or
 * `*.corp.example` for any subdomain), IP addresses (`127.0.0.1`, `::1`,
 * `[::1]`) or CIDR ranges (`10.0.0.0/8`, `fd00::/8`). A bad entry throws,
 * naming it, so a typo does not silently leave a range blocked or open.
 *
 * @example createAllowList(['127.0.0.1', 'localhost']).allows('localhost', '127.0.0.1') // → true
 */
export function createAllowList(entries: readonly string[]): AllowList {
  const ranges: AddressRange[] = [];
  const names = new Set<string>();
  const suffixes: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    const range = parseRange(entry.replace(/^\[([^\]]+)\]/, '$1'));
    if (range) ranges.push(range);
    else if (entry.includes('/') || /^[\d.]+$/.test(entry)) {
      throw new Error(`SWITCHYARD_ALLOW_HOSTS: "${raw}" is neither a host name, an IP address nor a CIDR range`);
    } else if (entry.startsWith('*.')) suffixes.push(entry.slice(1));
    else if (/^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/.test(entry)) names.add(entry.replace(/\.$/, ''));
    else throw new Error(`SWITCHYARD_ALLOW_HOSTS: "${raw}" is neither a host name, an IP address nor a CIDR range`);
  }
  return {
    entries: [...entries],
    allows(host, address) {
      const name = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
      if (names.has(name) || suffixes.some((suffix) => name.endsWith(suffix))) return true;
      const parsed = parseAddress(address);
      return parsed !== undefined && ranges.some((range) => inRange(parsed, range));
    },
  };
}
