// Logging in to the real imapd through the inetd harness over TCP: the
// plaintext policy (LOGINDISABLED, PRIVACYREQUIRED), STARTTLS with
// pipelined bytes thrown away, LOGIN and AUTHENTICATE (PLAIN with and
// without SASL-IR, LOGIN, CRAM-MD5, cancel), the same answer for every kind
// of failure, three failures and BYE, nologin, garbage and the login timer.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { describe, it } from 'node:test';
import type { SuperServer } from '../../lib/inetd/superserver';
import { ScriptClient } from '../helpers/client';
import { startInetd } from '../helpers/inetd';
import { requireRoot } from '../helpers/require';
import { FACILITY, SyslogListener } from '../helpers/syslog';
import { MailHome } from '../protocol/imap/mail-home';

const PASSWORDS = { demo: 'sésame ouvre-toi', other: 'x' };

async function withServer(settings: Record<string, string>, run: (server: SuperServer, home: MailHome) => Promise<void>, certificate = true): Promise<void> {
  const home = new MailHome(settings, { passwords: PASSWORDS, certificate });
  const server = await startInetd('imapd', { env: home.env });
  try {
    await run(server, home);
  } finally {
    await server.close();
    home.remove();
  }
}

async function connect(server: SuperServer): Promise<{ client: ScriptClient; greeting: string }> {
  const client = await ScriptClient.connect(server.port);
  return { client, greeting: (await client.line()) ?? '' };
}

async function startTls(client: ScriptClient): Promise<void> {
  const secure = tlsConnect({ socket: client.socket as Socket, rejectUnauthorized: false, servername: 'localhost' });
  await new Promise<void>((resolve, reject) => {
    secure.once('secureConnect', resolve);
    secure.once('error', reject);
  });
  client.replaceTransport(secure, secure);
}

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

describe('imapd login over TCP', () => {
  it('refuses plaintext passwords without TLS and says so in CAPABILITY', async (t) => {
    if (!requireRoot(t)) return;
    await withServer({}, async (server) => {
      const { client, greeting } = await connect(server);
      assert.match(greeting, /^\* OK \[CAPABILITY IMAP4rev1 .*STARTTLS LOGINDISABLED AUTH=CRAM-MD5\] /);
      assert.doesNotMatch(greeting, /AUTH=PLAIN/);
      assert.deepEqual(await client.command('a', `LOGIN demo "${PASSWORDS.demo}"`), ['a NO [PRIVACYREQUIRED] Plaintext authentication is disallowed without TLS']);
      assert.deepEqual(await client.command('b', 'AUTHENTICATE PLAIN'), ['b NO [PRIVACYREQUIRED] Plaintext authentication is disallowed without TLS']);
      assert.deepEqual(await client.command('c', 'SELECT INBOX'), ['c BAD SELECT: Please log in first']);
      await client.command('z', 'LOGOUT');
      await client.closedByServer();
    });
  });

  it('offers no STARTTLS without a certificate', async (t) => {
    if (!requireRoot(t)) return;
    await withServer(
      {},
      async (server) => {
        const { client, greeting } = await connect(server);
        assert.doesNotMatch(greeting, /STARTTLS/);
        assert.deepEqual(await client.command('a', 'STARTTLS'), ['a BAD TLS is not available on this server']);
        await client.command('z', 'LOGOUT');
      },
      false,
    );
  });

  it('STARTTLS discards pipelined commands, then allows LOGIN', async (t) => {
    if (!requireRoot(t)) return;
    await withServer({}, async (server) => {
      const { client } = await connect(server);
      // The injected command must not run after the handshake (CVE-2011-0411).
      client.write('a STARTTLS\r\nx LOGIN demo injected\r\n');
      assert.deepEqual(await client.until('a'), ['a OK Begin TLS negotiation now']);
      await startTls(client);
      const caps = (await client.command('b', 'CAPABILITY'))[0] ?? '';
      assert.match(caps, /AUTH=PLAIN AUTH=LOGIN$/);
      assert.doesNotMatch(caps, /STARTTLS|LOGINDISABLED/);
      const login = await client.command('c', `LOGIN demo "${PASSWORDS.demo}"`);
      assert.match(login.at(-1) ?? '', /^c OK \[CAPABILITY IMAP4rev1 [^\]]*\] User demo authenticated$/);
      assert.doesNotMatch(login.at(-1) ?? '', /AUTH=|STARTTLS/);
      assert.match((await client.command('d', 'SELECT INBOX')).at(-1) ?? '', /^d OK \[READ-WRITE\]/);
      assert.deepEqual(await client.command('e', 'STARTTLS'), ['e BAD STARTTLS: Already logged in']);
      await client.command('z', 'LOGOUT');
      await client.closedByServer();
    });
  });

  it('AUTHENTICATE PLAIN with and without an initial response, LOGIN, CRAM-MD5 and cancel', async (t) => {
    if (!requireRoot(t)) return;
    await withServer({ 'plaintext-hosts': '127.0.0.1' }, async (server) => {
      const plain = base64(`\0demo\0${PASSWORDS.demo}`);
      let { client } = await connect(server);
      assert.match((await client.command('a', `AUTHENTICATE PLAIN ${plain}`)).at(-1) ?? '', /^a OK \[CAPABILITY .*\] User demo authenticated$/);
      await client.command('z', 'LOGOUT');

      ({ client } = await connect(server));
      client.send('a AUTHENTICATE PLAIN');
      assert.equal(await client.line(), '+ ');
      client.send(plain);
      assert.match((await client.until('a')).at(-1) ?? '', /^a OK /);
      await client.command('z', 'LOGOUT');

      ({ client } = await connect(server));
      client.send('a AUTHENTICATE LOGIN');
      assert.match((await client.line()) ?? '', /^\+ /);
      client.send(base64('demo'));
      assert.match((await client.line()) ?? '', /^\+ /);
      client.send(base64(PASSWORDS.demo));
      assert.match((await client.until('a')).at(-1) ?? '', /^a OK /);
      await client.command('z', 'LOGOUT');

      ({ client } = await connect(server));
      client.send('a AUTHENTICATE CRAM-MD5');
      const challenge = Buffer.from(((await client.line()) ?? '').slice(2), 'base64').toString('latin1');
      assert.match(challenge, /^<.+@.+>$/);
      client.send(base64(`demo ${createHmac('md5', PASSWORDS.demo).update(challenge).digest('hex')}`));
      assert.match((await client.until('a')).at(-1) ?? '', /^a OK /);
      await client.command('z', 'LOGOUT');

      ({ client } = await connect(server));
      client.send('b AUTHENTICATE PLAIN');
      await client.line();
      client.send('*');
      assert.deepEqual(await client.until('b'), ['b BAD AUTHENTICATE cancelled']);
      client.send('c AUTHENTICATE PLAIN');
      await client.line();
      client.send('not base64!');
      assert.deepEqual(await client.until('c'), ['c BAD Invalid base64 data']);
      assert.deepEqual(await client.command('d', 'AUTHENTICATE KERBEROS_V4'), ['d NO Unsupported authentication mechanism KERBEROS_V4']);
      await client.command('z', 'LOGOUT');
    });
  });

  it('answers every failure alike and ends the session after three', async (t) => {
    if (!requireRoot(t)) return;
    await withServer({ 'plaintext-hosts': '127.0.0.1' }, async (server) => {
      const { client } = await connect(server);
      const failed = ['NO [AUTHENTICATIONFAILED] Authentication failed'];
      assert.deepEqual(await client.command('a', 'LOGIN demo wrong'), failed.map((line) => `a ${line}`));
      assert.deepEqual(await client.command('b', 'LOGIN nosuchuser wrong'), failed.map((line) => `b ${line}`));
      assert.deepEqual(await client.command('c', 'LOGIN root wrong'), failed.map((line) => `c ${line}`));
      assert.equal(await client.line(), '* BYE Too many login failures');
      await client.closedByServer();
    });
  });

  it('refuses logins while the nologin file exists, with its text', async (t) => {
    if (!requireRoot(t)) return;
    await withServer({ 'plaintext-hosts': '127.0.0.1' }, async (server, home) => {
      home.refuseLogins('System maintenance until 18:00\n');
      const { client } = await connect(server);
      assert.deepEqual(await client.command('a', `LOGIN demo "${PASSWORDS.demo}"`), ['a NO [UNAVAILABLE] System maintenance until 18:00']);
      assert.equal(await client.line(), '* BYE Logins are disabled');
      await client.closedByServer();
    });
  });

  it('ends repeated garbage before login, and an idle unauthenticated client, with BYE', async (t) => {
    if (!requireRoot(t)) return;
    await withServer({ 'login-timeout': '1' }, async (server) => {
      const { client } = await connect(server);
      for (const tag of ['a', 'b', 'c', 'd']) await client.command(tag, 'GET / HTTP/1.1');
      assert.deepEqual(await client.command('e', 'GET /'), ['e BAD Command unrecognized: GET']);
      assert.equal(await client.line(), '* BYE Too many invalid commands');
      await client.closedByServer();

      const idle = (await connect(server)).client;
      assert.equal(await idle.line(), '* BYE Autologout; idle for too long');
      await idle.closedByServer();
    });
  });

  it('logs in UW\'s formats: login, failure (facility auth), logout, autologout', async (t) => {
    if (!requireRoot(t)) return;
    const syslog = SyslogListener.start();
    try {
      await withServer({ 'plaintext-hosts': '127.0.0.1', 'syslog-socket': syslog.path, 'imap-timeout': '1' }, async (server) => {
        let { client } = await connect(server);
        await client.command('a', 'LOGIN demo wrong');
        const failed = await syslog.waitFor(/^Login failed /);
        assert.equal(failed.message, 'Login failed user=demo auth=demo host=[127.0.0.1]');
        assert.equal(failed.facility, FACILITY.auth);
        assert.equal(failed.ident, 'imapd');
        await client.command('b', `LOGIN demo "${PASSWORDS.demo}"`);
        assert.equal((await syslog.waitFor(/^Login user=/)).message, 'Login user=demo host=[127.0.0.1]');
        await client.command('c', 'LOGOUT');
        assert.equal((await syslog.waitFor(/^Logout /)).message, 'Logout user=demo host=[127.0.0.1]');

        ({ client } = await connect(server));
        client.send('a AUTHENTICATE PLAIN');
        await client.line();
        client.send(base64(`\0demo\0${PASSWORDS.demo}`));
        await client.until('a');
        assert.equal((await syslog.waitFor(/^Authenticated /)).message, 'Authenticated user=demo host=[127.0.0.1] mech=PLAIN');
        assert.equal(await client.line(), '* BYE Autologout; idle for too long');
        assert.equal((await syslog.waitFor(/^Autologout /)).message, 'Autologout user=demo host=[127.0.0.1]');
      });
    } finally {
      syslog.close();
    }
  });
});
