// tcp_wrappers inside the daemons: inetd, xinetd and systemd do not always
// wrap, so imapd, ipop3d and ipop2d consult hosts.allow and hosts.deny
// themselves. DNS is paid only when a rule that could decide actually needs
// a host name: rules of only addresses and ALL never cause a lookup.
import { readFileSync } from 'node:fs';
import type { Config } from '../../config/config';
import type { Endpoint } from '../connection';
import { verifiedHostName, systemResolver, type NameResolver } from './lookup';
import { HostNameNeeded, matchesClientTokens, UNKNOWN, type AccessRequest, type HostInfo } from './patterns';
import { parseAccessTable, type AccessTable } from './table';
import { decideAccess, type AccessVerdict } from './verdict';

/** Looked-up names, shared by the access check and plaintext-hosts. */
const names = new Map<string, Promise<string>>();

function nameOf(address: string, resolver: NameResolver): Promise<string> {
  let name = names.get(address);
  if (!name) {
    name = verifiedHostName(address, resolver);
    names.set(address, name);
  }
  return name;
}

/** Evaluates `decide` with names looked up only when it asks for one. */
async function withLazyNames<T>(
  client: Endpoint,
  server: Endpoint | undefined,
  resolver: NameResolver,
  decide: (client: HostInfo, server: HostInfo) => T,
): Promise<T> {
  const known: { client?: string; server?: string } = {};
  const host = (end: 'client' | 'server', address: string | undefined): HostInfo => ({
    address: address ?? UNKNOWN,
    name: () => {
      if (address === undefined) return UNKNOWN;
      const name = known[end];
      if (name === undefined) throw new HostNameNeeded(end);
      return name;
    },
  });
  for (;;) {
    try {
      return decide(host('client', client.address), host('server', server?.address));
    } catch (error) {
      if (!(error instanceof HostNameNeeded)) throw error;
      const address = error.end === 'client' ? client.address : server?.address;
      known[error.end] = address === undefined ? UNKNOWN : await nameOf(address, resolver);
    }
  }
}

function readTable(path: string): AccessTable | 'unreadable' {
  try {
    return parseAccessTable(readFileSync(path, 'latin1'), path);
  } catch (error) {
    // A missing file is an empty one (hosts_access(5)).
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { rules: [], problems: [] };
    return 'unreadable';
  }
}

export interface AccessCheckOptions {
  /** The server's own address, for `daemon@host` patterns. */
  readonly local?: Endpoint;
  readonly resolver?: NameResolver;
}

/**
 * The tcp_wrappers verdict for this daemon and client. Pipes (no peer) are
 * always allowed: there is no client address to judge.
 */
export async function checkHostsAccess(
  program: string,
  peer: Endpoint | undefined,
  config: Config,
  options: AccessCheckOptions = {},
): Promise<AccessVerdict> {
  if (!peer) return { allowed: true, reason: 'not a network connection' };
  const allowPath = config.string('hosts-allow');
  const denyPath = config.string('hosts-deny');
  const allow = readTable(allowPath);
  const deny = readTable(denyPath);
  // Fail closed: a deny file that exists but cannot be read may hold the
  // rule meant for this client. An unreadable allow file grants nothing.
  if (deny === 'unreadable') return { allowed: false, reason: `cannot read ${denyPath}` };
  const allowTable = allow === 'unreadable' ? { rules: [], problems: [] } : allow;
  return withLazyNames(peer, options.local, options.resolver ?? systemResolver, (client, server) => {
    const request: AccessRequest = { daemon: program, client, server, user: UNKNOWN };
    return decideAccess(allowTable, deny, request);
  });
}

/**
 * Whether the peer matches a hosts_access client list (for example the
 * plaintext-hosts setting), looking its name up only if a pattern needs it.
 */
export async function peerMatchesClientList(
  list: string | readonly string[],
  peer: Endpoint | undefined,
  resolver: NameResolver = systemResolver,
): Promise<boolean> {
  if (!peer) return false;
  const text = typeof list === 'string' ? list : list.join(' ');
  return withLazyNames(peer, undefined, resolver, (client, server) =>
    matchesClientTokens(text, { daemon: UNKNOWN, client, server, user: UNKNOWN }),
  );
}

/** The name already looked up for an address, if any (for log lines). */
export async function knownHostName(address: string): Promise<string | undefined> {
  const name = names.get(address);
  if (!name) return undefined;
  const value = await name;
  return value === UNKNOWN || value === 'paranoid' ? undefined : value;
}
