// Address-only hosts_access(5) patterns for `plaintext-hosts`: ALL, an
// address, `[ipv6]`, `n.n.n.` prefixes, `net/mask` and `net/prefixlen`.
// Name patterns (.domain, LOCAL, KNOWN) need DNS and are not matched here.
// TODO(hosts-access): use the matcher from lib/net/hostsaccess once it lands.
import { BlockList, isIP } from 'node:net';

export function peerMatches(address: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => matchesPattern(address, pattern));
}

function matchesPattern(address: string, pattern: string): boolean {
  if (pattern.toUpperCase() === 'ALL') return true;
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if (pattern.endsWith('.') && family === 'ipv4') return address.startsWith(pattern);
  const [rawNet = '', mask] = pattern.split('/');
  const net = rawNet.replace(/^\[(.*)\]$/, '$1');
  const netFamily = isIP(net) === 6 ? 'ipv6' : isIP(net) === 4 ? 'ipv4' : undefined;
  if (netFamily !== family) return false;
  const list = new BlockList();
  if (mask === undefined) list.addAddress(net, family);
  else {
    const prefix = /^\d+$/.test(mask) ? Number(mask) : maskToPrefix(mask);
    if (prefix === undefined) return false;
    list.addSubnet(net, prefix, family);
  }
  return list.check(address, family);
}

/** 255.255.255.0 -> 24; undefined for masks that are not contiguous. */
function maskToPrefix(mask: string): number | undefined {
  if (isIP(mask) !== 4) return undefined;
  const bits = mask.split('.').map((octet) => Number(octet).toString(2).padStart(8, '0')).join('');
  return /^1*0*$/.test(bits) ? bits.indexOf('0') === -1 ? 32 : bits.indexOf('0') : undefined;
}
