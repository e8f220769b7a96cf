// Real system users and PAM service files for the login tests (root only).
// Idempotent: a second run, or a machine where they already exist, ends in
// the same state. Users: imaptest1 (known password), imapexpired (same
// password, account expired with `chage -E 0`). PAM: /etc/pam.d/imap and
// /etc/pam.d/pop3 with the guide's lines, written only where missing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { getpwnam, type SystemAccount } from '../../lib/auth/passwd';

export const TEST_PASSWORD = 'Imap-Test-9z!';
export const GOOD_USER = 'imaptest1';
export const EXPIRED_USER = 'imapexpired';

/** The guide's pam.conf lines for imap and pop3, as a Linux service file. */
export const GUIDE_PAM_LINES = 'auth required pam_unix.so\naccount required pam_unix.so\nsession required pam_deny.so\n';

function run(command: string, args: readonly string[], input?: string): void {
  const result = spawnSync(command, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.error?.message}`);
}

export interface TestUserOptions {
  readonly password: string;
  readonly expired?: boolean;
}

/** Creates (or resets) a system user with a home directory, a password and the wanted expiry. */
export function ensureTestUser(name: string, options: TestUserOptions): SystemAccount {
  if (!getpwnam(name)) {
    try {
      run('useradd', ['--create-home', '--shell', '/usr/sbin/nologin', '--user-group', name]);
    } catch (error) {
      // Another test file running in parallel may have just created it.
      if (!getpwnam(name)) throw error;
    }
  }
  run('chpasswd', [], `${name}:${options.password}\n`);
  run('chage', ['-E', options.expired ? '0' : '-1', name]);
  const account = getpwnam(name);
  if (!account) throw new Error(`user ${name} not found after useradd`);
  if (!existsSync(account.home)) {
    mkdirSync(account.home, { recursive: true, mode: 0o755 });
    run('chown', [`${account.uid}:${account.gid}`, account.home]);
  }
  return account;
}

/** Writes /etc/pam.d/SERVICE with the guide's lines unless the file exists. */
export function ensurePamService(service: string, lines: string = GUIDE_PAM_LINES): void {
  const path = `/etc/pam.d/${service}`;
  if (!existsSync(path)) writeFileSync(path, lines, { mode: 0o644 });
}

export interface TestUsers {
  readonly good: SystemAccount;
  readonly expired: SystemAccount;
}

/** imaptest1, imapexpired and the imap and pop3 PAM services. */
export function ensureTestUsers(): TestUsers {
  ensurePamService('imap');
  ensurePamService('pop3');
  return {
    good: ensureTestUser(GOOD_USER, { password: TEST_PASSWORD }),
    expired: ensureTestUser(EXPIRED_USER, { password: TEST_PASSWORD, expired: true }),
  };
}
