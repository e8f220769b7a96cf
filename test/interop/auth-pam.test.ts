// Real PAM through node-linux-pam (root only): the guide's service lines
// accept the good password, refuse a wrong one and an expired account (the
// account phase runs), pass the client address as PAM_RHOST, and never open
// a session.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifyPlaintext } from '../../lib/auth';
import type { LoginContext } from '../../lib/auth/types';
import { pamAccepts } from '../../lib/auth/pam';
import { loadConfig } from '../../lib/config/config';
import { closeLog } from '../../lib/log/syslog';
import { IS_ROOT, requireRoot } from '../helpers/require';
import { EXPIRED_USER, GOOD_USER, TEST_PASSWORD, ensureTestUsers, type TestUsers } from '../helpers/users';

const PROBE_SERVICE = `imapd-auth-probe-${process.pid}`;

function context(service: 'imap' | 'pop3', overrides: string[] = []): LoginContext {
  const config = loadConfig({ path: '/dev/null', overrides: ['password-file=/nonexistent/cram-md5.pwd', ...overrides] });
  return { service, config, peer: { address: '192.0.2.44', port: 40000 }, secure: true };
}

describe('PAM logins', () => {
  let users: TestUsers | undefined;
  let probe = '';
  before(() => {
    if (!IS_ROOT) return;
    users = ensureTestUsers();
    probe = mkdtempSync(join(tmpdir(), 'pam-probe-'));
    // pam_exec records what PAM saw: PAM_RHOST during auth, and whether a session was ever opened.
    writeFileSync(`/etc/pam.d/${PROBE_SERVICE}`, [
      `auth optional pam_exec.so quiet log=${probe}/rhost /usr/bin/printenv PAM_RHOST`,
      'auth required pam_unix.so',
      'account required pam_unix.so',
      `session required pam_exec.so log=${probe}/session /usr/bin/printenv PAM_TYPE`,
      '',
    ].join('\n'));
  });
  after(() => {
    closeLog();
    if (!probe) return;
    rmSync(`/etc/pam.d/${PROBE_SERVICE}`, { force: true });
    rmSync(probe, { recursive: true, force: true });
  });

  it('accepts the right password for imap and pop3 and resolves the account', async (t) => {
    if (!requireRoot(t) || !users) return;
    for (const service of ['imap', 'pop3'] as const) {
      const account = await verifyPlaintext(context(service), GOOD_USER, TEST_PASSWORD);
      assert.deepEqual(account, { name: GOOD_USER, uid: users.good.uid, gid: users.good.gid, home: users.good.home }, service);
    }
  });

  it('refuses a wrong password, an unknown user, an expired account and root alike', async (t) => {
    if (!requireRoot(t)) return;
    const ctx = context('imap');
    assert.equal(await verifyPlaintext(ctx, GOOD_USER, `${TEST_PASSWORD}x`), undefined);
    assert.equal(await verifyPlaintext(ctx, 'no-such-imap-user', TEST_PASSWORD), undefined);
    assert.equal(await verifyPlaintext(ctx, EXPIRED_USER, TEST_PASSWORD), undefined);
    assert.equal(await verifyPlaintext(ctx, 'root', TEST_PASSWORD), undefined);
  });

  it('refuses the expired account in PAM itself (account phase), not only in our shadow check', async (t) => {
    if (!requireRoot(t)) return;
    const request = { service: 'imap', password: TEST_PASSWORD, remoteHost: '192.0.2.44' };
    assert.equal(await pamAccepts({ ...request, user: GOOD_USER }), true);
    assert.equal(await pamAccepts({ ...request, user: EXPIRED_USER }), false);
  });

  it('uses the home template for PAM users', async (t) => {
    if (!requireRoot(t)) return;
    const account = await verifyPlaintext(context('pop3', ['home-template=/srv/mail/%u']), GOOD_USER, TEST_PASSWORD);
    assert.equal(account?.home, `/srv/mail/${GOOD_USER}`);
  });

  it('passes the client address as PAM_RHOST and opens no session', async (t) => {
    if (!requireRoot(t)) return;
    const account = await verifyPlaintext(context('imap', [`pam-service-imap=${PROBE_SERVICE}`]), GOOD_USER, TEST_PASSWORD);
    assert.equal(account?.name, GOOD_USER);
    assert.match(readFileSync(join(probe, 'rhost'), 'utf8'), /^192\.0\.2\.44$/m);
    assert.equal(existsSync(join(probe, 'session')), false);
  });
});
