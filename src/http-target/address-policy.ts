import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import * as ipaddr from 'ipaddr.js';

import { ForbiddenAddressError } from './errors';

/** The only ipaddr.js range a job may call unless allow-listed; loopback, private, link-local, … are internal. */
const PUBLIC_RANGE = 'unicast';

/**
 * Which hosts a job may call. Jobs come from API users, so without this an HTTP target could reach
 * the service's own network (SSRF). The check runs on the addresses a name resolves to, at connect
 * time (not on the URL text), so a name that later resolves elsewhere (DNS rebinding) is caught too.
 */
export class AddressPolicy {
  private readonly allowed: Set<string>;

  constructor(allowedHosts: readonly string[]) {
    this.allowed = new Set(allowedHosts.map((h) => normalizeHost(h)));
  }

  isAllowListed(host: string): boolean {
    return this.allowed.has(normalizeHost(host));
  }

  /** Throws ForbiddenAddressError when `address` (an IP literal) is internal and `host` not allow-listed. */
  check(host: string, address: string): void {
    if (this.isAllowListed(host)) return;
    const range = rangeOf(address);
    if (range !== PUBLIC_RANGE) throw new ForbiddenAddressError(host, address, range);
  }

  /**
   * A `lookup` for net.connect: resolves as usual, then refuses internal addresses of a host that
   * is not allow-listed (the name resolved is the URL's host).
   */
  readonly lookup = ((
    hostname: string,
    options: LookupOptions,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      try {
        for (const a of addresses) this.check(hostname, a.address);
      } catch (e) {
        return callback(e as NodeJS.ErrnoException, '', 0);
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  }) as unknown as typeof dnsLookup;
}

/** ipaddr.js's range name of an address; IPv4-mapped IPv6 addresses are judged as IPv4. */
export function rangeOf(address: string): string {
  let ip = ipaddr.parse(normalizeHost(address));
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress())
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  return ip.range();
}

export function isIpLiteral(host: string): boolean {
  return ipaddr.isValid(normalizeHost(host));
}

export function hostOfUrl(url: URL): string {
  return normalizeHost(url.hostname);
}

function normalizeHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}
