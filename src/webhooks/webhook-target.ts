import dns from 'node:dns';
import net from 'node:net';

/**
 * Where a webhook may POST: http(s) only, and by default not to this machine or the private
 * network it sits in (SSRF: a webhook must not let an admin's typo, or an attacker with an ADMIN
 * key, reach the database, a cloud metadata endpoint or an internal service). The address is
 * checked when the webhook is created and again at every connection, after the name resolved,
 * so a name that later points inside (DNS rebinding) is refused too.
 */

const BLOCKED = new net.BlockList();
// IPv4: this network, private, carrier-grade NAT, loopback, link-local (cloud metadata), benchmarking, multicast and reserved.
for (const [address, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  BLOCKED.addSubnet(address, prefix, 'ipv4');
}
// IPv6: unspecified, loopback, unique local, link-local, multicast (IPv4-mapped ones are checked as IPv4 above).
for (const [address, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(address, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return true;
  if (family === 6 && address.toLowerCase().startsWith('::ffff:')) {
    const mapped = address.slice(7);
    if (net.isIPv4(mapped)) return BLOCKED.check(mapped, 'ipv4');
  }
  return BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Why a URL cannot be a webhook's target, or null when it can. */
export async function targetProblem(text: string, allowPrivate: boolean): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Not a URL.';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'A webhook posts to an http or https URL.';
  if (url.username || url.password) return 'Put no credentials in the URL; verify the signature instead.';
  if (text.length > 2000) return 'At most 2000 characters.';
  if (allowPrivate) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = net.isIP(host) ? [host] : (await dns.promises.lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    return `The host ${host} cannot be resolved.`;
  }
  if (addresses.length === 0 || addresses.some(isPrivateAddress)) {
    return 'The target is on a private, loopback or link-local address; webhooks post to public addresses only (WEBHOOK_ALLOW_PRIVATE_TARGETS=true allows them for development).';
  }
  return null;
}

/** A `lookup` for http(s) requests that refuses private addresses unless allowed, so the check holds at connection time. */
export function guardedLookup(allowPrivate: boolean): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as unknown as dns.LookupAddress[];
      const usable = allowPrivate ? list : list.filter((a) => !isPrivateAddress(a.address));
      if (usable.length === 0) {
        const refused = Object.assign(new Error(`refused: ${hostname} resolves to a private, loopback or link-local address`), { code: 'EPRIVATE' });
        return callback(refused, '', 0);
      }
      if ((options as dns.LookupOptions).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, usable);
      callback(null, usable[0].address, usable[0].family);
    });
  };
}
