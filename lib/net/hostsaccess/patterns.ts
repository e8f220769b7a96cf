// The hosts_access(5) pattern language, evaluated as Debian's libwrap
// (tcp_wrappers 7.6.q) does, so that `tcpdmatch` predicts our verdicts.
// Host names are looked up only when a pattern actually needs one: a
// HostInfo's name() may throw HostNameNeeded, and the caller resolves the
// name and evaluates again (see ./check). All comparisons ignore case.
//
// Deliberate differences from libwrap: `@netgroup` never matches (no NIS);
// a mask or prefix length must be well formed (libwrap reads "/8x" as /8);
// a pattern file may not name further pattern files; the client user is
// always "unknown" (no RFC 931 lookups).
import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { listTokens, splitAt } from './table';

export const UNKNOWN = 'unknown';
export const PARANOID = 'paranoid';

/** One end of a connection as the patterns see it. */
export interface HostInfo {
  /** Numeric address, or "unknown". */
  readonly address: string;
  /** Verified host name, "unknown" or "paranoid"; may throw HostNameNeeded. */
  name(): string;
}

export interface AccessRequest {
  /** Daemon process name (argv[0]): imapd, ipop3d, ipop2d. */
  readonly daemon: string;
  readonly client: HostInfo;
  readonly server: HostInfo;
  /** Client user name from RFC 931; "unknown" when not looked up. */
  readonly user: string;
}

/** Thrown by HostInfo.name() when the name has not been looked up yet. */
export class HostNameNeeded extends Error {
  constructor(readonly end: 'client' | 'server') {
    super(`${end} host name needed`);
  }
}

/** A client with a known name (or none: "unknown"), for pure evaluation. */
export function hostInfo(address: string, name: string = UNKNOWN): HostInfo {
  return { address, name: () => name };
}

/** `list_1 EXCEPT list_2`, where EXCEPT nests to the right. */
export function matchesList(list: string, matches: (token: string) => boolean): boolean {
  return matchTokens(listTokens(list), matches);
}

function matchTokens(tokens: readonly string[], matches: (token: string) => boolean): boolean {
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index] ?? '';
    if (isExcept(token)) return false;
    if (matches(token)) {
      const except = tokens.findIndex((other, at) => at > index && isExcept(other));
      return except < 0 || !matchTokens(tokens.slice(except + 1), matches);
    }
  }
  return false;
}

function isExcept(token: string): boolean {
  return token.toUpperCase() === 'EXCEPT';
}

export function matchesDaemonList(list: string, request: AccessRequest): boolean {
  return matchesList(list, (token) => {
    const at = splitAt(token, '@', 1);
    if (!at) return stringMatches(token, request.daemon);
    return stringMatches(at[0], request.daemon) && hostMatches(at[1], request.server);
  });
}

export function matchesClientTokens(list: string, request: AccessRequest): boolean {
  return matchesList(list, (token) => {
    const at = splitAt(token, '@', 1);
    if (!at) return hostMatches(token, request.client);
    return hostMatches(at[1], request.client) && stringMatches(at[0], request.user);
  });
}

/**
 * Whether a client matches a hosts_access client list, for policies that
 * reuse the pattern language (plaintext-hosts). Without a name the client
 * counts as unknown; see ./check for the variant that looks names up.
 */
export function matchesClientList(list: string | readonly string[], client: { address: string; name?: string }): boolean {
  const text = typeof list === 'string' ? list : list.join(' ');
  const host = hostInfo(client.address, client.name);
  return matchesClientTokens(text, { daemon: UNKNOWN, client: host, server: hostInfo(UNKNOWN), user: UNKNOWN });
}

function hostMatches(token: string, host: HostInfo): boolean {
  if (token.startsWith('@')) return false;
  if (token.startsWith('/')) return patternFileMatches(token, host);
  const word = token.toUpperCase();
  if (word === 'KNOWN') return isKnownName(host.name()) && host.address.toLowerCase() !== UNKNOWN;
  if (word === 'LOCAL') {
    const name = host.name();
    return !name.includes('.') && isKnownName(name);
  }
  const mask = splitAt(token, '/');
  if (mask) return maskedMatches(mask[0], mask[1], host.address);
  return stringMatches(token, host.address) || (needsName(token) && stringMatches(token, host.name()));
}

/**
 * Numeric patterns can only match the address. libwrap also compares
 * `[v6]` with the name, which can never match: we skip that lookup.
 */
function needsName(token: string): boolean {
  return !/^[0-9.]*$/.test(token) && !token.startsWith('[');
}

function isKnownName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower !== UNKNOWN && lower !== PARANOID;
}

function stringMatches(token: string, value: string): boolean {
  const pattern = token.toLowerCase();
  const text = value.toLowerCase();
  if (pattern.startsWith('.')) return text.length > pattern.length && text.endsWith(pattern);
  if (pattern === 'all') return true;
  if (pattern === 'known') return text !== UNKNOWN;
  if (pattern.startsWith('[')) return sameIPv6(pattern, text);
  if (pattern.includes('*') || pattern.includes('?')) return wildcardMatches(pattern, text);
  if (pattern.endsWith('.')) return text.startsWith(pattern);
  return pattern === text;
}

function wildcardMatches(pattern: string, text: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(text);
}

/** `[v6addr]` against an address. */
function sameIPv6(pattern: string, address: string): boolean {
  const net = bracketed(pattern);
  if (net === undefined || !isIPv6(address)) return false;
  const a = ipv6Bytes(net);
  const b = ipv6Bytes(address);
  return a !== undefined && b !== undefined && a.equals(b);
}

function maskedMatches(net: string, mask: string, address: string): boolean {
  if (net.startsWith('[')) return ipv6PrefixMatches(net, mask, address);
  const netValue = dottedQuad(net);
  const addressValue = dottedQuad(address);
  let maskValue: number | undefined;
  if (mask.includes('.')) maskValue = dottedQuad(mask);
  else if (/^\d+$/.test(mask) && Number(mask) >= 1 && Number(mask) <= 32) maskValue = (0xffffffff << (32 - Number(mask))) >>> 0;
  if (netValue === undefined || maskValue === undefined || addressValue === undefined) return false;
  return ((addressValue & maskValue) >>> 0) === netValue;
}

function ipv6PrefixMatches(net: string, prefix: string, address: string): boolean {
  const inner = bracketed(net);
  if (inner === undefined || !/^\d+$/.test(prefix) || Number(prefix) > 128 || !isIPv6(address)) return false;
  const a = ipv6Bytes(inner);
  const b = ipv6Bytes(address);
  if (a === undefined || b === undefined) return false;
  let bits = Number(prefix);
  for (let index = 0; bits > 0; index++, bits -= 8) {
    const keep = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((a[index] ?? 0) & keep) !== ((b[index] ?? 0) & keep)) return false;
  }
  return true;
}

function bracketed(token: string): string | undefined {
  const match = /^\[([^\]]*)\]$/.exec(token);
  return match && isIPv6(match[1] ?? '') ? match[1] : undefined;
}

/** The 16 bytes of an IPv6 address (with or without an embedded IPv4 tail). */
export function ipv6Bytes(address: string): Buffer | undefined {
  if (!isIPv6(address)) return undefined;
  let text = address.replace(/%.*$/, '');
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const value = dottedQuad(v4[1] ?? '');
    if (value === undefined) return undefined;
    text = `${text.slice(0, v4.index)}${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(zeros).fill('0'), ...tailGroups];
  if (groups.length !== 8) return undefined;
  const bytes = Buffer.alloc(16);
  groups.forEach((group, index) => bytes.writeUInt16BE(parseInt(group, 16), index * 2));
  return bytes;
}

/**
 * An IPv4 address written as exactly four parts, each read as inet_addr(3)
 * reads it (0x.. hex, 0.. octal). 255.255.255.255 is inet_addr's error value,
 * so libwrap rejects it, and so do we.
 */
function dottedQuad(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    let octet: number;
    if (/^0x[0-9a-f]+$/i.test(part)) octet = parseInt(part.slice(2), 16);
    else if (/^0[0-7]*$/.test(part)) octet = parseInt(part, 8);
    else if (/^[1-9]\d*$/.test(part)) octet = Number(part);
    else return undefined;
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value === 0xffffffff ? undefined : value;
}

/** `/path`: any whitespace-separated host pattern in that file matches. */
function patternFileMatches(path: string, host: HostInfo): boolean {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch {
    return false;
  }
  return text.split(/\s+/).some((token) => token !== '' && !token.startsWith('/') && hostMatches(token, host));
}
