// Whether a session still holds a mailbox's UW-style session lock. The lock
// file itself may outlive its holder: a kill -9 leaves it, and a later file
// that reuses the inode of a removed mailbox inherits the name. Only a
// holder matters, so the check takes the lock (and so removes the file).
import { statSync } from 'node:fs';
import { trySessionLock } from '../../../lib/mail/lock/session';

export function sessionLockHeld(mailboxPath: string): boolean {
  const stats = statSync(mailboxPath);
  const lock = trySessionLock(stats.dev, stats.ino);
  lock?.release();
  return lock === undefined;
}
