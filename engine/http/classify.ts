/**
 * Which IP addresses an outbound request may reach. Everything that is not
 * plain public unicast is refused by default: a scenario author must not be
 * able to reach the engine's own machine, its private network, or a cloud
 * metadata service (169.254.169.254) by typing a URL.
 */
import { formatIPv4, inRange, parseAddress, parseRange, type AddressRange, type ParsedAddress } from './address';

/** Why an address is refused; `public` means it may be reached. */
export type AddressKind =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'carrier-grade-nat'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'unique-local'
  | 'documentation'
  | 'benchmarking'
  | 'reserved';

/** Words used in error messages ("127.0.0.2 is a loopback address"). */
export const ADDRESS_KIND_TEXT: Record<AddressKind, string> = {
  public: 'a public address',
  loopback: 'a loopback address',
  private: 'a private (RFC 1918) address',
  'link-local': 'a link-local address (this range holds cloud metadata services)',
  'carrier-grade-nat': 'a carrier-grade NAT (RFC 6598) address',
  unspecified: "an unspecified ('this network') address",
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  'unique-local': 'a unique-local IPv6 address',
  documentation: 'a documentation-only address',
  benchmarking: 'a benchmarking address',
  reserved: 'a reserved address',
};

const table = (entries: Array<[string, AddressKind]>): Array<[AddressRange, AddressKind]> =>
  entries.map(([cidr, kind]) => [parseRange(cidr)!, kind]);

// Order matters: the first matching range names the address (255.255.255.255 before 240/4).
const IPV4_RANGES = table([
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'carrier-grade-nat'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', 'reserved'],
]);

const IPV6_RANGES = table([
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['64:ff9b:1::/48', 'reserved'],
  ['100::/64', 'reserved'],
  ['2001:db8::/32', 'documentation'],
  ['3fff::/20', 'documentation'],
  ['2001::/23', 'reserved'],
  ['fc00::/7', 'unique-local'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'reserved'],
  ['ff00::/8', 'multicast'],
]);

// IPv6 forms that carry an IPv4 address inside: judged by that IPv4 address.
const MAPPED = parseRange('::ffff:0:0/96')!;
const COMPATIBLE = parseRange('::/96')!;
const NAT64 = parseRange('64:ff9b::/96')!;
const SIX_TO_FOUR = parseRange('2002::/16')!;
const GLOBAL_UNICAST = parseRange('2000::/3')!;

/**
 * The IPv4 address embedded in an IPv4-mapped, IPv4-compatible, NAT64 or
 * 6to4 IPv6 address, if any.
 *
 * @example embeddedIPv4('::ffff:169.254.169.254') // → '169.254.169.254'
 */
export function embeddedIPv4(text: string): string | undefined {
  const address = parseAddress(text);
  if (!address || address.family !== 6) return undefined;
  if (inRange(address, MAPPED) || inRange(address, NAT64) || (inRange(address, COMPATIBLE) && address.value > 1n)) {
    return formatIPv4(address.value & 0xffffffffn);
  }
  if (inRange(address, SIX_TO_FOUR)) return formatIPv4((address.value >> 80n) & 0xffffffffn);
  return undefined;
}

function classifyParsed(address: ParsedAddress, text: string): AddressKind {
  if (address.family === 4) return IPV4_RANGES.find(([range]) => inRange(address, range))?.[1] ?? 'public';
  const named = IPV6_RANGES.find(([range]) => inRange(address, range))?.[1];
  if (named) return named;
  const inner = embeddedIPv4(text);
  if (inner) return classifyAddress(inner);
  // Outside 2000::/3 nothing is assigned for ordinary unicast use.
  return inRange(address, GLOBAL_UNICAST) ? 'public' : 'reserved';
}

/**
 * Names the kind of an IP address: `public`, or why it is refused.
 * Throws when the text is not an IP address.
 *
 * @example
 * classifyAddress('169.254.169.254') // → 'link-local'
 * classifyAddress('::ffff:10.0.0.1') // → 'private'
 * classifyAddress('93.184.216.34')   // → 'public'
 */
export function classifyAddress(text: string): AddressKind {
  const address = parseAddress(text);
  if (!address) throw new Error(`"${text}" is not an IP address`);
  return classifyParsed(address, text.replace(/^\[|\]$/g, ''));
}
