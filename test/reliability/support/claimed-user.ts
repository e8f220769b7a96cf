// A system test user that one run of a suite has to itself: its spool file
// and home are wiped and rebuilt by the suite, so a second run (another
// engineer's, or `npm test` beside `npm run stress`) waits for the first
// instead of pulling the files from under it. The claim is an flock, so a
// killed run leaves nothing to clean up.
import { closeSync, openSync } from 'node:fs';
import type { SystemAccount } from '../../../lib/auth/passwd';
import { tryFlock } from '../../../lib/mail/lock/kernel';
import { TEST_PASSWORD, ensureTestUser } from '../../helpers/users';

const WAIT_MS = 45 * 60 * 1000;

export interface ClaimedUser {
  readonly account: SystemAccount;
  release(): void;
}

export async function claimTestUser(name: string): Promise<ClaimedUser> {
  const fd = openSync(`/tmp/.imap-reliability-${name}.claim`, 'a', 0o600);
  const deadline = Date.now() + WAIT_MS;
  while (!tryFlock(fd)) {
    if (Date.now() > deadline) {
      closeSync(fd);
      throw new Error(`test user ${name} is still in use by another run of this suite`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { account: ensureTestUser(name, { password: TEST_PASSWORD }), release: () => closeSync(fd) };
}
