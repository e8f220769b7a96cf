// Becoming the logged-in user. While root: supplementary groups, gid and uid
// (real, effective and saved: setgid(2)/setuid(2) as root set all three),
// then a check that root cannot be regained, then the home directory. All
// of it happens before any mailbox is opened.
import { log } from '../log/syslog';
import { expandHomeTemplate } from './accounts';
import { getpwnam, getpwuid } from './passwd';
import type { Account, LoginContext } from './types';

export class PrivilegeError extends Error {
  override readonly name = 'PrivilegeError';
}

// process.initgroups exists on POSIX but is missing from @types/node 20.
type WithInitgroups = NodeJS.Process & { initgroups?: (user: string, extraGroup: number) => void };

export function becomeUser(account: Account): void {
  if (process.getuid?.() === 0) dropPrivileges(account);
  try {
    process.chdir(account.home);
  } catch (error) {
    // UW ignored a missing home too: INBOX in the spool still works.
    log('warning', `cannot chdir to home ${account.home} of ${account.name}: ${(error as Error).message}`);
  }
}

function dropPrivileges(account: Account): void {
  if (account.uid === 0 || account.gid === 0) throw new PrivilegeError(`refusing to run a session as root (${account.name})`);
  const system = getpwnam(account.name);
  // initgroups needs a name the group database knows; a virtual user gets only its owner's gid.
  if (system && system.uid === account.uid) (process as WithInitgroups).initgroups?.(account.name, account.gid);
  else process.setgroups?.([account.gid]);
  process.setgid?.(account.gid);
  process.setuid?.(account.uid);
  assertNoWayBack(account);
}

function assertNoWayBack(account: Account): void {
  const ids = [process.getuid?.(), process.geteuid?.(), process.getgid?.(), process.getegid?.()];
  if (ids[0] !== account.uid || ids[1] !== account.uid || ids[2] !== account.gid || ids[3] !== account.gid) {
    throw new PrivilegeError(`identity switch to ${account.name} incomplete`);
  }
  for (const regain of [() => process.setuid?.(0), () => process.seteuid?.(0)]) {
    let regained = true;
    try {
      regain();
    } catch {
      regained = false;
    }
    if (regained) throw new PrivilegeError('root privileges could be regained after the identity switch');
  }
}

/**
 * Started by an ordinary user (not root), with `preauth` on: the session is
 * already that user's, as UW's imapd over rsh/ssh was.
 */
export function preauthAccount(ctx: LoginContext): Account | undefined {
  const uid = process.getuid?.();
  if (uid === undefined || uid === 0 || !ctx.config.boolean('preauth')) return undefined;
  const gid = process.getgid?.() ?? uid;
  const system = getpwuid(uid);
  const name = system?.name ?? process.env.USER ?? process.env.LOGNAME;
  if (name === undefined || name === '') return undefined;
  const template = ctx.config.string('home-template');
  const home = template !== '' ? expandHomeTemplate(template, name) : process.env.HOME ?? system?.home;
  if (home === undefined || home === '') return undefined;
  return { name, uid, gid, home };
}
