// The host name of an address as libwrap establishes it: the reverse lookup
// must be confirmed by a forward lookup that lists the address again, or
// the name is "paranoid". No answer (or a slow one) means "unknown". Uses
// getnameinfo/getaddrinfo, so /etc/hosts counts as it does for libwrap.
import { isIP } from 'node:net';
import { ipv6Bytes, PARANOID, UNKNOWN } from './patterns';

export interface NameResolver {
  /** Host name for the address, undefined when there is none. */
  reverse(address: string): Promise<string | undefined>;
  /** Every address the name resolves to. */
  forward(name: string): Promise<string[]>;
}

const LOOKUP_TIMEOUT_MS = 10_000;

export const systemResolver: NameResolver = {
  async reverse(address) {
    const { lookupService } = await import('node:dns/promises');
    const { hostname } = await lookupService(address, 0);
    return hostname === '' || isIP(hostname) !== 0 ? undefined : hostname;
  },
  async forward(name) {
    const { lookup } = await import('node:dns/promises');
    const answers = await lookup(name, { all: true, verbatim: true });
    return answers.map((answer) => answer.address);
  },
};

export async function verifiedHostName(address: string, resolver: NameResolver = systemResolver): Promise<string> {
  const name = await withTimeout(resolver.reverse(address).catch(() => undefined));
  if (name === undefined) return UNKNOWN;
  const addresses = await withTimeout(resolver.forward(name).catch(() => []));
  return (addresses ?? []).some((candidate) => sameAddress(candidate, address)) ? name : PARANOID;
}

function sameAddress(a: string, b: string): boolean {
  if (a === b) return true;
  const bytesA = ipv6Bytes(isIP(a) === 4 ? `::ffff:${a}` : a);
  const bytesB = ipv6Bytes(isIP(b) === 4 ? `::ffff:${b}` : b);
  return bytesA !== undefined && bytesB !== undefined && bytesA.equals(bytesB);
}

function withTimeout<T>(promise: Promise<T>): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), LOOKUP_TIMEOUT_MS);
    timer.unref();
    void promise.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}
