// SSRF guard. A merchant chooses the URL we POST to; without this check anyone with API keys
// could make our server call its own network (metadata services, databases, admin ports).
// Checked when the URL is registered (a clear error for the merchant) and again for every
// connection: through the socket's DNS lookup for names (a name may resolve elsewhere later:
// DNS rebinding), and before connecting for IP literals, which skip the lookup.
import dns from 'node:dns';
import net from 'node:net';
import os from 'node:os';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { AppError } from '../errors';

/**
 * Whether an address is off limits: anything ipaddr.js does not class as public unicast
 * (private, loopback, link-local, CGNAT, multicast, reserved, 0.0.0.0/8, NAT64, 6to4, Teredo,
 * ...), IPv4-mapped IPv6 judged as the IPv4 address it maps, the deprecated IPv4-compatible
 * ::/96, and this host's own interface addresses, whatever their range.
 */
export function isPrivateAddress(address: string): boolean {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.process(address);
  } catch {
    return true;
  }
  if (parsed.range() !== 'unicast') return true;
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).parts.slice(0, 6).every((part) => part === 0))
    return true;
  return ownAddresses().includes(parsed.toNormalizedString());
}

/** Read at each check: interfaces come and go (a VPN, a container network). */
function ownAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flatMap((entries) => entries ?? [])
    .map((entry) => {
      try {
        return ipaddr.process(entry.address.split('%')[0]!).toNormalizedString();
      } catch {
        return entry.address;
      }
    });
}

const refused = (url: string, reason: string) =>
  new AppError('webhook_url_refused', `The webhook URL ${url} is refused: ${reason}`, { reason });

/** Parses and checks a URL a merchant wants to register. Throws webhook_url_refused. */
export async function checkWebhookUrl(raw: string, allowPrivate: boolean): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused(raw, 'not an absolute URL');
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:'))
    throw refused(raw, 'must use https');
  if (url.username || url.password) throw refused(raw, 'must not contain credentials');
  if (allowPrivate) return url.toString();
  // The WHATWG parser has already turned 2130706433, 0x7f.1 and friends into dotted IPv4.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = net.isIP(host) ? [host] : await resolveAll(host);
  if (addresses.length === 0) throw refused(raw, `${host} does not resolve`);
  if (addresses.some(isPrivateAddress))
    throw refused(raw, `${host} is or resolves to a private, loopback, link-local or other internal address`);
  return url.toString();
}

async function resolveAll(host: string): Promise<string[]> {
  try {
    return (await dns.promises.lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
  } catch {
    return [];
  }
}

/**
 * A socket `lookup` that refuses to connect to private addresses, whatever the name. Node skips
 * `lookup` for IP literals, so a connection to one must be checked before it is made
 * (`refusesToConnect`).
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as dns.LookupAddress[];
    const bad = list.find((entry) => isPrivateAddress(entry.address));
    if (bad || list.length === 0) {
      const refusal = Object.assign(new Error(`refused to connect to ${hostname}: private address`), {
        code: 'EPRIVATEADDRESS',
      });
      return callback(refusal, '', 0);
    }
    if ((options as dns.LookupOptions).all) return callback(null, list as unknown as string, 0);
    return callback(null, list[0]!.address, list[0]!.family);
  });
};

/** Whether a connection to this URL's host must not even be tried: an IP literal that is internal. */
export function refusesToConnect(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return net.isIP(host) !== 0 && isPrivateAddress(host);
}
