// What a POP3 session does to the mailbox, checked on the spool file the
// real bin/ipop3d works on: deletions only at QUIT, nothing on a hangup or
// autologout, retrieved mail marked read for imapd and UW (Status: RO), one
// session at a time, new mail invisible but kept, UIDLs in UW's form. Also
// STLS (with injected commands thrown away), implicit TLS, the log lines
// and the identity a logged-in session runs as.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SyslogListener } from '../../helpers/syslog';
import { requireRoot } from '../../helpers/require';
import { MAIL_GID, MAIL_UID } from '../imap/mail-home';
import { LOOPBACK_PLAINTEXT, MESSAGES, PASSWORD, PopClient, USER, served, withPop } from './pop-home';

/** Subjects of the messages in the spool file, in order. */
function subjects(text: string): string[] {
  return [...text.matchAll(/^Subject: (.*)$/gm)].map((match) => match[1] ?? '').filter((subject) => !subject.startsWith("DON'T DELETE"));
}

/** The Status: header of the message with `subject`. */
function statusOf(text: string, subject: string): string | undefined {
  const start = text.indexOf(`Subject: ${subject}\n`);
  const end = text.indexOf('\n\n', start);
  return /^Status: (.*)$/m.exec(text.slice(start, end))?.[1];
}

describe('ipop3d and the mailbox (real executable)', () => {
  it('deletes only at QUIT, and marks retrieved mail read (Status: RO)', async (t) => {
    if (!requireRoot(t)) return;
    await withPop(LOOPBACK_PLAINTEXT, async (server, home) => {
      home.deliver(...MESSAGES);
      const client = await PopClient.connect(server);
      await client.login();
      await client.retr(1);
      await client.multi('TOP 3 1');
      assert.equal(await client.ask('DELE 2'), '+OK Message 2 deleted');
      assert.deepEqual(subjects(home.spoolText()), ['first', 'dots', '=?UTF-8?B?w6lsw6h2ZQ==?=', 'multipart'], 'nothing changes before QUIT');
      assert.equal(await client.quit(), '+OK Sayonara (1 deleted, 3 kept)');
      const text = home.spoolText();
      assert.deepEqual(subjects(text), ['first', '=?UTF-8?B?w6lsw6h2ZQ==?=', 'multipart']);
      assert.equal(statusOf(text, 'first'), 'RO', 'RETR marks read');
      assert.notEqual(statusOf(text, '=?UTF-8?B?w6lsw6h2ZQ==?='), 'RO', 'TOP does not');
    });
  });

  it('a dropped connection and an autologout delete nothing and mark nothing', async (t) => {
    if (!requireRoot(t)) return;
    await withPop({ ...LOOPBACK_PLAINTEXT, 'pop3-timeout': '1' }, async (server, home) => {
      home.deliver(...MESSAGES);
      const dropped = await PopClient.connect(server);
      await dropped.login();
      await dropped.retr(1);
      await dropped.ask('DELE 1');
      await dropped.ask('DELE 2');
      dropped.close();
      await server.close();
      const after = home.spoolText();
      assert.deepEqual(subjects(after), ['first', 'dots', '=?UTF-8?B?w6lsw6h2ZQ==?=', 'multipart']);
      for (const subject of subjects(after)) assert.notEqual(statusOf(after, subject), 'RO', subject);
    });
    await withPop({ ...LOOPBACK_PLAINTEXT, 'pop3-timeout': '1' }, async (server, home) => {
      home.deliver(...MESSAGES);
      const before = home.spoolText();
      const client = await PopClient.connect(server);
      await client.login();
      await client.retr(2);
      await client.ask('DELE 3');
      assert.equal(await client.script.line(5000), '-ERR Autologout; idle for too long');
      await client.script.closedByServer();
      await server.close();
      const after = home.spoolText();
      assert.deepEqual(subjects(after), subjects(before));
      for (const subject of subjects(after)) assert.notEqual(statusOf(after, subject), 'RO', subject);
    });
  });

  it('one session per mailbox: a second one gets [IN-USE]; after QUIT the next one gets in', async (t) => {
    if (!requireRoot(t)) return;
    await withPop(LOOPBACK_PLAINTEXT, async (server, home) => {
      home.deliver(MESSAGES[0]!);
      const first = await PopClient.connect(server);
      assert.equal(await first.login(), '+OK Mailbox open, 1 messages');
      const second = await PopClient.connect(server);
      assert.match(await second.login(), /^-ERR \[IN-USE\] /);
      await second.script.closedByServer();
      await first.quit();
      const third = await PopClient.connect(server);
      assert.equal(await third.login(), '+OK Mailbox open, 1 messages');
      await third.quit();
    });
  });

  it('mail delivered during a session is invisible to it and survives its deletions', async (t) => {
    if (!requireRoot(t)) return;
    await withPop(LOOPBACK_PLAINTEXT, async (server, home) => {
      home.deliver(MESSAGES[0]!, MESSAGES[1]!);
      const client = await PopClient.connect(server);
      await client.login();
      home.deliver(MESSAGES[3]!);
      assert.match(await client.ask('STAT'), /^\+OK 2 /);
      assert.equal(await client.ask('LIST 3'), '-ERR No such message: 3 (the maildrop has 2)');
      await client.ask('DELE 1');
      await client.ask('DELE 2');
      assert.equal(await client.quit(), '+OK Sayonara (2 deleted, 0 kept)');
      assert.deepEqual(subjects(home.spoolText()), ['multipart']);
      const next = await PopClient.connect(server);
      assert.equal(await next.login(), '+OK Mailbox open, 1 messages');
      assert.deepEqual((await next.retr(1)).message, served(MESSAGES[3]!));
      await next.quit();
    });
  });

  it('UIDLs are UW\'s: UIDVALIDITY and UID from the mailbox, the same in every session', async (t) => {
    if (!requireRoot(t)) return;
    await withPop(LOOPBACK_PLAINTEXT, async (server, home) => {
      home.deliver(...MESSAGES);
      const first = await PopClient.connect(server);
      await first.login();
      const before = (await first.multi('UIDL')).slice(1);
      await first.quit();
      const header = /^X-IMAP: (\d+) (\d+)/m.exec(home.spoolText());
      assert.ok(header, 'the mailbox carries UW\'s X-IMAP header');
      const validity = Number(header[1]).toString(16).padStart(8, '0');
      assert.deepEqual(before, [1, 2, 3, 4].map((uid) => `${uid} ${validity}${uid.toString(16).padStart(8, '0')}`));
      const second = await PopClient.connect(server);
      await second.login();
      assert.deepEqual((await second.multi('UIDL')).slice(1), before);
      await second.quit();
    });
  });

  it('a UW mailbox keeps its UIDLs: X-IMAP and X-UID headers written by UW are honoured', async (t) => {
    if (!requireRoot(t)) return;
    await withPop(LOOPBACK_PLAINTEXT, async (server, home) => {
      home.writeSpool(
        'From MAILER-DAEMON Mon Jan  1 10:00:00 2024\nSubject: DON\'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA\nX-IMAP: 1234567890 0000000042\nStatus: RO\n\npseudo\n\n' +
          'From a@example.org Mon Jan  1 10:00:00 2024\nSubject: old\nStatus: RO\nX-UID: 41\n\nbody\n\n',
      );
      const client = await PopClient.connect(server);
      await client.login();
      assert.deepEqual((await client.multi('UIDL')).slice(1), [`1 ${(1234567890).toString(16).padStart(8, '0')}00000029`]);
      assert.equal(await client.ask('LAST'), '+OK 1', 'a message already read counts for LAST');
      await client.quit();
    });
  });

  it('an empty or missing INBOX is an empty maildrop', async (t) => {
    if (!requireRoot(t)) return;
    await withPop(LOOPBACK_PLAINTEXT, async (server) => {
      const client = await PopClient.connect(server);
      assert.equal(await client.login(), '+OK Mailbox open, 0 messages');
      assert.equal(await client.ask('STAT'), '+OK 0 0');
      assert.deepEqual(await client.multi('LIST'), ['+OK 0 messages']);
      assert.equal(await client.quit(), '+OK Sayonara (0 deleted, 0 kept)');
    });
  });

  it('STLS: commands pipelined after it are thrown away; after TLS, USER is offered and works', async (t) => {
    if (!requireRoot(t)) return;
    await withPop({}, async (server, home) => {
      home.deliver(MESSAGES[0]!);
      const client = await PopClient.connect(server);
      client.script.write(`STLS\r\nUSER ${USER}\r\nPASS ${PASSWORD}\r\n`);
      assert.equal(await client.script.line(), '+OK Begin TLS negotiation');
      await client.startTls();
      const caps = await client.multi('CAPA');
      assert.ok(caps.includes('USER') && !caps.includes('STLS') && caps.includes('SASL CRAM-MD5 PLAIN LOGIN'), caps.join('|'));
      assert.equal(await client.ask(`PASS ${PASSWORD}`), '-ERR Send USER before PASS', 'the injected USER was dropped');
      assert.equal(await client.ask('STLS'), '-ERR Already using TLS');
      assert.equal(await client.login(), '+OK Mailbox open, 1 messages');
      assert.deepEqual((await client.retr(1)).message, served(MESSAGES[0]!));
      await client.quit();
    });
  });

  it('implicit TLS (--tls, as on pop3s): no STLS offered, plaintext login allowed', async (t) => {
    if (!requireRoot(t)) return;
    await withPop(
      {},
      async (server, home) => {
        home.deliver(MESSAGES[1]!);
        const client = await PopClient.connectTls(server);
        assert.match(client.greeting, /^\+OK POP3 /);
        const caps = await client.multi('CAPA');
        assert.ok(caps.includes('USER') && !caps.includes('STLS'), caps.join('|'));
        assert.equal(await client.login(), '+OK Mailbox open, 1 messages');
        assert.deepEqual((await client.retr(1)).message, served(MESSAGES[1]!));
        await client.quit();
      },
      'ipop3d',
      ['--tls'],
    );
  });

  it('logs UW\'s lines and runs the logged-in session as the user', async (t) => {
    if (!requireRoot(t)) return;
    const syslog = SyslogListener.start();
    try {
      await withPop({ ...LOOPBACK_PLAINTEXT, 'syslog-socket': syslog.path }, async (server, home) => {
        home.deliver(...MESSAGES);
        const failed = await PopClient.connect(server);
        await failed.login(USER, 'wrong');
        failed.close();
        const login = await syslog.waitFor(/^Login failed /);
        assert.equal(login.message, `Login failed user=${USER} auth=${USER} host=[127.0.0.1]`);
        assert.equal(login.facility, 4, 'facility auth');

        const client = await PopClient.connect(server);
        await client.login();
        assert.equal((await syslog.waitFor(/^Login user=/)).message, `Login user=${USER} host=[127.0.0.1] nmsgs=4/4`);
        const [child] = [...server.children];
        assert.ok(child?.pid, 'the session process');
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        assert.match(status, new RegExp(`^Uid:\\s+${MAIL_UID}\\s+${MAIL_UID}\\s+${MAIL_UID}\\s+${MAIL_UID}$`, 'm'));
        assert.match(status, new RegExp(`^Gid:\\s+${MAIL_GID}\\s+${MAIL_GID}\\s+${MAIL_GID}\\s+${MAIL_GID}$`, 'm'));
        await client.retr(1);
        await client.ask('DELE 2');
        await client.quit();
        const update = await syslog.waitFor(/^Update /);
        assert.equal(update.message, `Update user=${USER} host=[127.0.0.1] nmsgs=3 ndele=1 nseen=1`);
        assert.equal(update.ident, 'ipop3d');

        const dropped = await PopClient.connect(server);
        await dropped.login();
        dropped.close();
        await syslog.waitFor(/^Command stream end of file, while reading line user=popper host=\[127\.0\.0\.1\]$/);
      });
    } finally {
      syslog.close();
    }
  });
});
