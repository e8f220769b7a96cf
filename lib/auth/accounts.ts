// Turns an authenticated name into the account a session runs as: the
// system user (home from `home-template` when set), or for a password-file
// user with no system account, the `virtual-owner` account's uid and gid.
// Without a home template, virtual users share the owner's home directory.
// Root (uid 0) and expired system accounts are never accounts a login may become.
import type { Config } from '../config/config';
import type { Account } from './types';
import { getpwnam, type SystemAccount } from './passwd';
import { accountExpired } from './shadow';

export interface ResolveOptions {
  /** The password came from the UW password file, so a virtual user is acceptable. */
  readonly fromPasswordFile: boolean;
}

export function expandHomeTemplate(template: string, user: string): string {
  return template.replace(/%u/g, user);
}

export function resolveAccount(config: Config, name: string, options: ResolveOptions): Account | undefined {
  const system = getpwnam(name);
  if (system) return system.uid === 0 || accountExpired(name) ? undefined : accountFor(config, name, system);
  if (!options.fromPasswordFile) return undefined;
  const ownerName = config.string('virtual-owner');
  const owner = ownerName === '' ? undefined : getpwnam(ownerName);
  if (!owner || owner.uid === 0) return undefined;
  return accountFor(config, name, owner);
}

function accountFor(config: Config, name: string, identity: SystemAccount): Account {
  const template = config.string('home-template');
  const home = template === '' ? identity.home : expandHomeTemplate(template, name);
  return { name, uid: identity.uid, gid: identity.gid, home };
}
