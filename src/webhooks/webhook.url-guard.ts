// SSRF guard. A merchant chooses the URL we POST to; without this check anyone with API keys
// could make our server call its own network (metadata services, databases, admin ports).
// Checked twice: when the URL is registered (clear error for the merchant) and at connect
// time through the socket's DNS lookup (a name may resolve elsewhere later: DNS rebinding).
import dns from 'node:dns';
import net from 'node:net';
import type { LookupFunction } from 'node:net';
import { AppError } from '../errors';

const blocked = new net.BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['64:ff9b::', 96], // NAT64 maps IPv4 (could reach private IPv4)
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return true;
  if (family === 6) {
    // IPv4-mapped (::ffff:10.0.0.1) is the IPv4 address in disguise. BlockList also maps
    // the hex form (::ffff:a00:1) onto IPv4 rules; the dotted form is checked explicitly.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return blocked.check(mapped[1]!, 'ipv4');
    return blocked.check(address, 'ipv6');
  }
  return blocked.check(address, 'ipv4');
}

const refused = (url: string, reason: string) => new AppError('webhook_url_refused', `The webhook URL ${url} is refused: ${reason}`, { reason });

/** Parses and checks a URL a merchant wants to register. Throws webhook_url_refused. */
export async function checkWebhookUrl(raw: string, allowPrivate: boolean): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused(raw, 'not an absolute URL');
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) throw refused(raw, 'must use https');
  if (url.username || url.password) throw refused(raw, 'must not contain credentials');
  if (allowPrivate) return url.toString();
  // The WHATWG parser has already turned 2130706433, 0x7f.1 and friends into dotted IPv4.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = net.isIP(host) ? [host] : await resolveAll(host);
  if (addresses.length === 0) throw refused(raw, `${host} does not resolve`);
  if (addresses.some(isPrivateAddress)) throw refused(raw, `${host} resolves to a private, loopback or link-local address`);
  return url.toString();
}

async function resolveAll(host: string): Promise<string[]> {
  try {
    return (await dns.promises.lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
  } catch {
    return [];
  }
}

/** A socket `lookup` that refuses to connect to private addresses, whatever the name. */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as dns.LookupAddress[];
    const bad = list.find((entry) => isPrivateAddress(entry.address));
    if (bad || list.length === 0) {
      const refusal = Object.assign(new Error(`refused to connect to ${hostname}: private address`), { code: 'EPRIVATEADDRESS' });
      return callback(refusal, '', 0);
    }
    if ((options as dns.LookupOptions).all) return callback(null, list as unknown as string, 0);
    return callback(null, list[0]!.address, list[0]!.family);
  });
};
