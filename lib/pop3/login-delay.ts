// LOGIN-DELAY (RFC 2449 §6.5) enforced: the time of a user's last POP3 login
// is the modification time of a small file in the home directory, written
// after the switch to the user (so it is theirs). Only used when
// pop3-login-delay is set.
import { statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Per user, because virtual users may share their owner's home directory. */
export function loginStampPath(home: string, user: string): string {
  return join(home, `.ipop3d-login.${user.replace(/[^A-Za-z0-9._-]/g, '_')}`);
}

/**
 * Seconds the user must still wait, or 0 after recording this login as the
 * latest. A stamp that cannot be read or written never refuses a login.
 */
export function claimLogin(home: string, user: string, delaySeconds: number, now = Date.now()): number {
  if (delaySeconds <= 0) return 0;
  const path = loginStampPath(home, user);
  try {
    const elapsed = (now - statSync(path).mtimeMs) / 1000;
    if (elapsed >= 0 && elapsed < delaySeconds) return Math.ceil(delaySeconds - elapsed);
  } catch {
    // No stamp yet: first login.
  }
  try {
    writeFileSync(path, '', { mode: 0o600 });
    utimesSync(path, now / 1000, now / 1000);
  } catch {
    // A read-only or missing home: the delay cannot be enforced, the login goes on.
  }
  return 0;
}
