/** Outbound HTTP for nodes: the SSRF-guarded client, its address rules and status errors. */
export { createHttpClient, GuardedHttpClient, outboundGuardOf, type HttpClientOptions } from './client';
export {
  OutboundGuard,
  OutboundBlockedError,
  blockedOutboundCount,
  blockedOutboundCounts,
  type HostResolver,
  type ResolvedAddress,
  type OutboundGuardOptions,
} from './guard';
export { classifyAddress, embeddedIPv4, ADDRESS_KIND_TEXT, type AddressKind } from './classify';
export { createAllowList, splitAllowHosts, type AllowList } from './allow-list';
export { HttpStatusError, assertOkStatus, isOkStatus, parseRetryAfter, type OkStatuses } from './status-error';
