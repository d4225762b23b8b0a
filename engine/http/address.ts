/**
 * IP address arithmetic for the outbound guard: parse IPv4/IPv6 text into a
 * number, and match it against CIDR ranges. Pure, no I/O, so the classifier
 * and the allowlist can be tested without touching the network.
 */
import net from 'node:net';

/** An IP address as a number, with its family (4: 32 bits, 6: 128 bits). */
export interface ParsedAddress {
  family: 4 | 6;
  value: bigint;
}

/** A CIDR range, e.g. `10.0.0.0/8` or `fc00::/7`. */
export interface AddressRange {
  family: 4 | 6;
  base: bigint;
  prefix: number;
}

function parseIPv4(text: string): bigint {
  return text.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

function parseIPv6(text: string): bigint {
  let source = text;
  // A trailing dotted quad (::ffff:1.2.3.4) stands for the last two hextets.
  const dotted = source.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const v4 = parseIPv4(dotted[1]);
    source = source.slice(0, -dotted[1].length) + `${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = source.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const missing = 8 - headParts.length - tailParts.length;
  const parts = tail !== undefined ? [...headParts, ...Array(missing).fill('0'), ...tailParts] : headParts;
  return parts.reduce((acc, part) => (acc << 16n) | BigInt(parseInt(part, 16)), 0n);
}

/**
 * Parses an IP literal (IPv6 may carry brackets or a `%zone`); undefined when the text is not an IP.
 *
 * @example parseAddress('::ffff:127.0.0.1') // → { family: 6, value: 0xffff7f000001n }
 */
export function parseAddress(text: string): ParsedAddress | undefined {
  const bare = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = net.isIP(bare);
  if (family === 4) return { family: 4, value: parseIPv4(bare) };
  if (family === 6) return { family: 6, value: parseIPv6(bare.toLowerCase()) };
  return undefined;
}

/**
 * Parses `a.b.c.d/n`, `x::/n` or a single address (a /32 or /128 range).
 *
 * @example parseRange('169.254.0.0/16')
 */
export function parseRange(text: string): AddressRange | undefined {
  const [addressText, prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return undefined;
  const address = parseAddress(addressText);
  if (!address) return undefined;
  const bits = address.family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits || (prefixText !== undefined && !/^\d+$/.test(prefixText))) return undefined;
  return { family: address.family, base: address.value, prefix };
}

/**
 * True when the address lies in the range (families must agree).
 *
 * @example inRange(parseAddress('10.1.2.3')!, parseRange('10.0.0.0/8')!) // → true
 */
export function inRange(address: ParsedAddress, range: AddressRange): boolean {
  if (address.family !== range.family) return false;
  const shift = BigInt((range.family === 4 ? 32 : 128) - range.prefix);
  return address.value >> shift === range.base >> shift;
}

/**
 * Formats a 32-bit number as dotted IPv4 text.
 *
 * @example formatIPv4(0x7f000001n) // → '127.0.0.1'
 */
export function formatIPv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => Number((value >> shift) & 0xffn)).join('.');
}
