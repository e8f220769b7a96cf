// `plaintext-hosts`: clients allowed plaintext passwords without TLS, in the
// hosts_access(5) client-list language of lib/net/hostsaccess. Name
// patterns need DNS, which is asynchronous, while the policy is asked
// synchronously (CAPABILITY): bootstrap settles the verdict once per
// connection, and without it only address patterns can match.
import type { Config } from '../config/config';
import type { Endpoint } from '../net/connection';
import { matchesClientList, peerMatchesClientList } from '../net/hostsaccess';

const settled = new Map<string, boolean>();

const key = (list: readonly string[], address: string): string => `${list.join(' ')}\0${address}`;

/** Looks the client's name up if a plaintext-hosts pattern needs it. */
export async function settlePlaintextHost(config: Config, peer: Endpoint | undefined): Promise<void> {
  const list = config.list('plaintext-hosts');
  if (!peer || list.length === 0 || !config.boolean('disable-plaintext')) return;
  settled.set(key(list, peer.address), await peerMatchesClientList(list, peer));
}

export function isPlaintextHost(config: Config, peer: Endpoint): boolean {
  const list = config.list('plaintext-hosts');
  if (list.length === 0) return false;
  return settled.get(key(list, peer.address)) ?? matchesClientList(list, { address: peer.address });
}
