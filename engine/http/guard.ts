/**
 * The outbound guard: resolves a host itself, checks every address it
 * resolves to, and hands back only checked addresses so the caller connects
 * to exactly what was checked (a second DNS answer — rebinding — never gets
 * a say). Used by the HTTP client for every hop and by nodes that speak
 * other protocols (SMTP).
 */
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import { createAllowList, splitAllowHosts, type AllowList } from './allow-list';
import { ADDRESS_KIND_TEXT, classifyAddress, type AddressKind } from './classify';

/** One resolved address of a host. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (the system resolver by default). */
export type HostResolver = (host: string) => Promise<ResolvedAddress[]>;

export interface OutboundGuardOptions {
  /** Hosts, IPs and CIDRs that may be reached although not public. Default: `SWITCHYARD_ALLOW_HOSTS`. */
  allowHosts?: readonly string[];
  /** Replaces DNS resolution (tests use it to stage a rebinding answer). */
  resolve?: HostResolver;
}

/** Thrown when a destination is refused; never worth retrying. */
export class OutboundBlockedError extends Error {
  readonly code = 'OUTBOUND_BLOCKED';
  readonly retryable = false;
  constructor(
    message: string,
    readonly host: string,
    readonly address: string,
    readonly kind: AddressKind,
  ) {
    super(message);
    this.name = 'OutboundBlockedError';
  }
}

const blockedByKind = new Map<AddressKind, number>();

/**
 * How many outbound attempts the guard has refused in this process, in total.
 *
 * @example metrics.gauge('switchyard_outbound_blocked_total', blockedOutboundCount())
 */
export function blockedOutboundCount(): number {
  let total = 0;
  for (const n of blockedByKind.values()) total += n;
  return total;
}

/**
 * Refused attempts per reason (`loopback`, `private`, `link-local`, …).
 *
 * @example blockedOutboundCounts() // → { loopback: 2, 'link-local': 1 }
 */
export function blockedOutboundCounts(): Partial<Record<AddressKind, number>> {
  return Object.fromEntries(blockedByKind);
}

const systemResolver: HostResolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((r) => ({ address: r.address, family: r.family === 6 ? 6 : 4 }));

export class OutboundGuard {
  readonly allowList: AllowList;
  private readonly resolveHost: HostResolver;

  /**
   * @example const guard = new OutboundGuard({ allowHosts: ['127.0.0.1'] });
   */
  constructor(options: OutboundGuardOptions = {}) {
    this.allowList = createAllowList(options.allowHosts ?? splitAllowHosts(process.env.SWITCHYARD_ALLOW_HOSTS));
    this.resolveHost = options.resolve ?? systemResolver;
  }

  /**
   * Resolves `host` and checks every address; resolves with the addresses
   * to connect to, or throws {@link OutboundBlockedError} naming the first
   * refused one. `caller` prefixes messages (`http.request`, `email.send`).
   *
   * @example const [target] = await guard.check('api.braze.com', 'braze.users.track');
   */
  async check(host: string, caller: string): Promise<ResolvedAddress[]> {
    const bare = host.replace(/^\[|\]$/g, '');
    const literal = net.isIP(bare);
    let addresses: ResolvedAddress[];
    if (literal) addresses = [{ address: bare, family: literal === 6 ? 6 : 4 }];
    else {
      try {
        addresses = await this.resolveHost(bare);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new Error(`${caller}: cannot resolve host "${bare}"${code ? ` (${code})` : ''}`, { cause: error });
      }
      if (addresses.length === 0) throw new Error(`${caller}: host "${bare}" resolves to no address`);
    }
    for (const { address } of addresses) {
      const kind = classifyAddress(address);
      if (kind === 'public' || this.allowList.allows(bare, address)) continue;
      blockedByKind.set(kind, (blockedByKind.get(kind) ?? 0) + 1);
      const what = ADDRESS_KIND_TEXT[kind];
      const message = literal
        ? `${caller}: ${address} is ${what}; add it to SWITCHYARD_ALLOW_HOSTS to allow it`
        : `${caller}: ${bare} resolves to ${address}, ${what}; add ${bare} or ${address} to SWITCHYARD_ALLOW_HOSTS to allow it`;
      throw new OutboundBlockedError(message, bare, address, kind);
    }
    return addresses;
  }
}
