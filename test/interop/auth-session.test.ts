// The security layer in the real imapd, spawned per connection by the inetd
// harness: the identity switch after LOGIN (all four uid and gid fields),
// implicit TLS by option and by UW's s-name, no greeting without a
// certificate, preauthentication for an ordinary user, and --check.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { installPem } from '../../lib/cert/install';
import { makeSelfSignedPem } from '../../lib/cert/self-signed';
import { SuperServer } from '../../lib/inetd/superserver';
import { ScriptClient } from '../helpers/client';
import { finished, startInetd } from '../helpers/inetd';
import { binPath } from '../helpers/paths';
import { IS_ROOT, requireRoot } from '../helpers/require';
import { GOOD_USER, TEST_PASSWORD, ensureTestUsers, type TestUsers } from '../helpers/users';

function tlsClient(port: number): Promise<ScriptClient> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => resolve(new ScriptClient(socket, socket)));
    socket.once('error', reject);
  });
}

function statusIds(pid: number, field: 'Uid' | 'Gid' | 'Groups'): number[] {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith(`${field}:`)) ?? '';
  return line.split(/\s+/).slice(1).filter((value) => value !== '').map(Number);
}

describe('imapd security layer', () => {
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  let users: TestUsers | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'auth-session-'));
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'spool'));
    chmodSync(join(dir, 'spool'), 0o1777);
    installPem(join(dir, 'certs'), makeSelfSignedPem({ cn: 'localhost', days: 2, keyType: 'ec' }), true);
    const settings = [
      `set spool-directory ${join(dir, 'spool')}`,
      `set cert-directory ${join(dir, 'certs')}`,
      `set key-directory ${join(dir, 'certs')}`,
      `set hosts-allow ${join(dir, 'hosts.allow')}`,
      `set hosts-deny ${join(dir, 'hosts.deny')}`,
      `set password-file ${join(dir, 'no-password-file')}`,
      `set syslog-socket ${join(dir, 'no-syslog')}`,
      `set nologin-file ${join(dir, 'no-nologin')}`,
      'set plaintext-hosts 127.0.0.1',
      'set login-failure-delay 0',
    ];
    writeFileSync(join(dir, 'imapd.cf'), `${settings.join('\n')}\n`);
    writeFileSync(join(dir, 'no-cert.cf'), `${settings.join('\n')}\nset cert-directory ${join(dir, 'empty')}\nset key-directory ${join(dir, 'empty')}\n`);
    env = { IMAPD_CONFIG: join(dir, 'imapd.cf') };
    if (IS_ROOT) users = ensureTestUsers();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('after LOGIN the session runs as the user: uid and gid in all four fields, no root group', async (t) => {
    if (!requireRoot(t) || !users) return;
    const imap = await startInetd('imapd', { env });
    try {
      const client = await ScriptClient.connect(imap.port);
      assert.match((await client.line()) ?? '', /^\* OK /);
      assert.equal((await client.command('a', `LOGIN ${GOOD_USER} "${TEST_PASSWORD}"`)).at(-1)?.startsWith('a OK'), true);
      const [child] = [...imap.children];
      assert.ok(child?.pid);
      const { uid, gid } = users.good;
      assert.deepEqual(statusIds(child.pid, 'Uid'), [uid, uid, uid, uid]);
      assert.deepEqual(statusIds(child.pid, 'Gid'), [gid, gid, gid, gid]);
      assert.ok(!statusIds(child.pid, 'Groups').includes(0), 'no supplementary root group');
      assert.equal(readlinkSync(`/proc/${child.pid}/cwd`), users.good.home);
      await client.command('z', 'LOGOUT');
      await client.closedByServer();
    } finally {
      await imap.close();
    }
  });

  it('speaks TLS from the first byte with --tls, and then offers no STARTTLS and allows LOGIN', async () => {
    const imap = await startInetd('imapd', { env, args: ['--tls'] });
    try {
      const client = await tlsClient(imap.port);
      const greeting = (await client.line()) ?? '';
      assert.match(greeting, /^\* OK /);
      const capabilities = (await client.command('a', 'CAPABILITY')).join('\n');
      assert.doesNotMatch(capabilities, /STARTTLS|LOGINDISABLED/);
      assert.match(capabilities, /AUTH=PLAIN/);
      await client.command('z', 'LOGOUT');
      await client.closedByServer();
    } finally {
      await imap.close();
    }
  });

  it('negotiates TLS 1.2 with forward-secret AEAD ciphers, and refuses TLS 1.1', async () => {
    const imap = await startInetd('imapd', { env, args: ['--tls'] });
    try {
      const cipher = await new Promise<string>((resolve, reject) => {
        const socket = tlsConnect({ host: '127.0.0.1', port: imap.port, rejectUnauthorized: false, maxVersion: 'TLSv1.2' }, () => {
          resolve(`${socket.getProtocol()} ${socket.getCipher().name}`);
          socket.end();
        });
        socket.once('error', reject);
      });
      assert.match(cipher, /^TLSv1\.2 ECDHE-(ECDSA|RSA)-(AES\d+-GCM-SHA\d+|CHACHA20-POLY1305)$/);
      const old = new Promise<void>((resolve, reject) => {
        const socket = tlsConnect({ host: '127.0.0.1', port: imap.port, rejectUnauthorized: false, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' }, () => reject(new Error('TLS 1.1 accepted')));
        socket.once('error', () => resolve());
      });
      await old;
    } finally {
      await imap.close();
    }
  });

  it('speaks TLS when started under an s-name (simapd), as UW did', async () => {
    const link = join(dir, 'simapd');
    symlinkSync(binPath('imapd'), link);
    const imap = await SuperServer.listen({ program: link, argv0: 'simapd', env: { ...process.env, ...env } });
    try {
      const client = await tlsClient(imap.port);
      assert.match((await client.line()) ?? '', /^\* OK /);
      await client.command('z', 'LOGOUT');
    } finally {
      await imap.close();
    }
  });

  it('closes an implicit-TLS connection without a greeting when no certificate is installed', async () => {
    const imap = await startInetd('imapd', { env: { IMAPD_CONFIG: join(dir, 'no-cert.cf') }, args: ['--tls'] });
    try {
      const client = await ScriptClient.connect(imap.port);
      assert.equal(await client.line(), undefined);
    } finally {
      await imap.close();
    }
    assert.deepEqual(await imap.exitCodes(), [1]);
  });

  it('closes a connection whose client does not speak TLS on an implicit-TLS port', async () => {
    const imap = await startInetd('imapd', { env, args: ['--tls'] });
    try {
      const client = await ScriptClient.connect(imap.port);
      client.send('a CAPABILITY');
      assert.equal(await client.line(), undefined);
    } finally {
      await imap.close();
    }
  });

  it('pre-authenticates an ordinary user over pipes, without asking for a password', async (t) => {
    if (!requireRoot(t) || !users) return;
    const child = spawn('setpriv', [`--reuid=${users.good.uid}`, `--regid=${users.good.gid}`, '--init-groups', binPath('imapd')], {
      env: { ...process.env, ...env, HOME: users.good.home, USER: GOOD_USER },
      stdio: 'pipe',
    });
    child.stdin.end('a CAPABILITY\r\nb LOGOUT\r\n');
    const { stdout, stderr } = await finished(child);
    assert.equal(stderr, '');
    assert.match(stdout, /^\* PREAUTH /);
  });

  it('--check prints the settings and findings, and fails on configuration errors', () => {
    const good = spawnSync(binPath('imapd'), ['--check'], { env: { ...process.env, ...env }, encoding: 'utf8' });
    assert.equal(good.stderr, '');
    assert.match(good.stdout, /^set plaintext-hosts 127\.0\.0\.1/m);
    assert.match(good.stdout, /^ok +certificate: .*imapd\.pem/m);
    assert.match(good.stdout, /^ok +spool: /m);
    assert.equal(good.status, 0, good.stdout);
    const bad = spawnSync(binPath('ipop3d'), ['--check', '-s', 'login-timeout=soon', '-s', 'no-such-option=1'], { env: { ...process.env, ...env }, encoding: 'utf8' });
    assert.match(bad.stdout, /^error +config: .*login-timeout/m);
    assert.match(bad.stdout, /^error +config: .*unknown option "no-such-option"/m);
    assert.equal(bad.status, 1);
  });
});
