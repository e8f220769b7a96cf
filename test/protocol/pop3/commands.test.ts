// Every POP3 command and its error paths against the real bin/ipop3d
// through the inetd harness (TCP on loopback), with mail in a throw-away
// spool. Runs as root, as CI does: logins switch to the virtual owner.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { finished, spawnPiped } from '../../helpers/inetd';
import { requireRoot } from '../../helpers/require';
import { LOOPBACK_PLAINTEXT, MESSAGES, PASSWORD, PopClient, PopHome, USER, apopDigest, served, withPop } from './pop-home';

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** What RETR must send for a delivered message: CRLF, dot-stuffed. */
function stuffed(message: string): Buffer {
  return Buffer.from(served(message).toString('utf8').replace(/(^|\r\n)\./g, '$1..'), 'utf8');
}

describe('ipop3d commands (real executable)', () => {
  it('a whole pipelined session over pipes (as over an ssh tunnel), transcript exact', async (t) => {
    if (!requireRoot(t)) return;
    const home = new PopHome();
    try {
      home.deliver(MESSAGES[0]!, MESSAGES[1]!);
      const child = spawnPiped('ipop3d', { env: home.env });
      child.stdin.end(`CAPA\r\nUSER ${USER}\r\nPASS ${PASSWORD}\r\nSTAT\r\nLIST\r\nUIDL\r\nTOP 2 1\r\nRETR 2\r\nDELE 1\r\nLAST\r\nQUIT\r\n`);
      const { stdout, stderr, code } = await finished(child);
      assert.equal(code, 0);
      assert.equal(stderr, '', 'nothing on fd 2');
      const sizes = [MESSAGES[0]!, MESSAGES[1]!].map((message) => served(message).length);
      const transcript = stdout.replace(/<[0-9a-f]+\.[0-9a-f]+@[^>]+>/, '<TIMESTAMP>').replace(/ POP3 \S+ server/, ' POP3 HOST server').replace(/ [0-9a-f]{8}(0000000[12])\r\n/g, ' VALIDITY$1\r\n');
      assert.equal(
        transcript,
        [
          '+OK POP3 HOST server ready <TIMESTAMP>',
          '+OK Capability list follows', 'TOP', 'UIDL', 'USER', 'SASL CRAM-MD5 PLAIN LOGIN', 'STLS', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'EXPIRE NEVER', 'IMPLEMENTATION imap-uw-ts ipop3d', '.',
          '+OK User name accepted, password please',
          '+OK Mailbox open, 2 messages',
          `+OK 2 ${sizes[0]! + sizes[1]!}`,
          '+OK 2 messages', `1 ${sizes[0]}`, `2 ${sizes[1]}`, '.',
          '+OK Unique-ID listing follows', '1 VALIDITY00000001', '2 VALIDITY00000002', '.',
          '+OK Top of message follows', 'From: Bob <bob@example.org>', 'To: popper@example.org', 'Subject: dots', '', '..', '.',
          `+OK ${stuffed(MESSAGES[1]!).length} octets`, 'From: Bob <bob@example.org>', 'To: popper@example.org', 'Subject: dots', '', '..', '... two dots', '..leading dot', 'end', '.',
          '+OK Message 1 deleted',
          '+OK 2',
          '+OK Sayonara (1 deleted, 1 kept)',
          '',
        ].join('\r\n'),
      );
    } finally {
      home.remove();
    }
  });

  it('greets with an APOP timestamp when the password file exists', async (t) => {
    if (!requireRoot(t)) return;
    await withPop({}, async (server) => {
      const client = await PopClient.connect(server);
      assert.match(client.greeting, /^\+OK POP3 \S+ server ready <[0-9a-f]+\.[0-9a-f]+@[^>]+>$/);
      assert.equal(await client.quit(), '+OK Sayonara');
    });
    await withPop({ 'password-file': '/nonexistent/cram-md5.pwd' }, async (server) => {
      const client = await PopClient.connect(server);
      assert.doesNotMatch(client.greeting, /</);
      assert.equal(await client.ask('APOP popper 0123456789abcdef0123456789abcdef'), '-ERR APOP is not available on this server');
      client.close();
    });
  });

  it('without TLS: CAPA has no USER, PLAIN or LOGIN; USER/PASS are refused with [AUTH]; APOP and CRAM-MD5 work', async (t) => {
    if (!requireRoot(t)) return;
    await withPop({}, async (server, home) => {
      home.deliver(MESSAGES[0]!);
      const client = await PopClient.connect(server);
      assert.deepEqual(await client.multi('CAPA'), [
        '+OK Capability list follows',
        'TOP',
        'UIDL',
        'SASL CRAM-MD5',
        'STLS',
        'RESP-CODES',
        'AUTH-RESP-CODE',
        'PIPELINING',
        'EXPIRE NEVER',
        'IMPLEMENTATION imap-uw-ts ipop3d',
      ]);
      const refusal = '-ERR [AUTH] Plaintext passwords are not accepted on this connection; use STLS first';
      assert.equal(await client.ask(`USER ${USER}`), refusal);
      assert.equal(await client.ask(`PASS ${PASSWORD}`), refusal);
      assert.equal(await client.ask(`AUTH PLAIN ${base64(`\0${USER}\0${PASSWORD}`)}`), refusal);
      assert.equal(await client.ask(`AUTH LOGIN`), refusal);
      assert.equal(await client.ask(`APOP ${USER} ${apopDigest(client.greeting, PASSWORD)}`), '+OK Mailbox open, 1 messages');
      assert.equal(await client.quit(), '+OK Sayonara (0 deleted, 1 kept)');

      const cram = await PopClient.connect(server);
      const challenge = await cram.ask('AUTH CRAM-MD5');
      assert.match(challenge, /^\+ \S+$/);
      const { createHmac } = await import('node:crypto');
      const digest = createHmac('md5', PASSWORD).update(Buffer.from(challenge.slice(2), 'base64')).digest('hex');
      assert.equal(await cram.ask(base64(`${USER} ${digest}`)), '+OK Mailbox open, 1 messages');
      await cram.quit();
    });
  });

  it('the whole TRANSACTION state: STAT, LIST, UIDL, RETR (byte for byte), TOP, DELE, RSET, LAST, NOOP, QUIT', async (t) => {
    if (!requireRoot(t)) return;
    await withPop(LOOPBACK_PLAINTEXT, async (server, home) => {
      home.deliver(...MESSAGES);
      const client = await PopClient.connect(server);
      const caps = await client.multi('CAPA');
      assert.ok(caps.includes('USER') && caps.includes('SASL CRAM-MD5 PLAIN LOGIN'), caps.join('|'));
      assert.equal(await client.ask(`USER ${USER}`), '+OK User name accepted, password please');
      assert.equal(await client.ask(`PASS ${PASSWORD}`), '+OK Mailbox open, 4 messages');

      // RFC 1939 §11: sizes count CRLF line ends but not the stuffed dots.
      const sizes = MESSAGES.map((message) => served(message).length);
      assert.equal(await client.ask('STAT'), `+OK 4 ${sizes.reduce((a, b) => a + b)}`);
      assert.deepEqual(await client.multi('LIST'), ['+OK 4 messages', ...sizes.map((size, index) => `${index + 1} ${size}`)]);
      assert.equal(await client.ask('LIST 3'), `+OK 3 ${sizes[2]}`);

      const uidl = await client.multi('UIDL');
      assert.equal(uidl[0], '+OK Unique-ID listing follows');
      const ids = uidl.slice(1).map((line) => line.split(' ')[1] ?? '');
      assert.equal(ids.length, 4);
      for (const id of ids) assert.match(id, /^[0-9a-f]{16}$/);
      assert.equal(new Set(ids.map((id) => id.slice(0, 8))).size, 1, 'one UIDVALIDITY');
      assert.deepEqual(ids.map((id) => parseInt(id.slice(8), 16)), [1, 2, 3, 4]);
      assert.equal(await client.ask('UIDL 2'), `+OK 2 ${ids[1]}`);

      for (let number = 1; number <= 4; number++) {
        const message = MESSAGES[number - 1]!;
        const retrieved = await client.retr(number);
        assert.equal(retrieved.announced, stuffed(message).length, `RETR ${number} announces the octets it sends`);
        assert.deepEqual(retrieved.wire, stuffed(message), `RETR ${number} wire bytes`);
        assert.deepEqual(retrieved.message, served(message), `RETR ${number} is the delivered message`);
      }

      assert.deepEqual(await client.multi('TOP 3 2'), [
        '+OK Top of message follows',
        'From: Carol <carol@example.org>',
        'Subject: =?UTF-8?B?w6lsw6h2ZQ==?=',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        'Élève, café, naïve',
        'line 2',
      ]);
      assert.deepEqual(await client.multi('TOP 2 1'), ['+OK Top of message follows', 'From: Bob <bob@example.org>', 'To: popper@example.org', 'Subject: dots', '', '.']);

      assert.equal(await client.ask('LAST'), '+OK 4');
      assert.equal(await client.ask('DELE 1'), '+OK Message 1 deleted');
      assert.equal(await client.ask('DELE 1'), '-ERR Message 1 is already deleted');
      assert.equal(await client.ask('STAT'), `+OK 3 ${sizes[1]! + sizes[2]! + sizes[3]!}`);
      assert.equal(await client.ask('RSET'), '+OK Reset state, 4 messages');
      assert.equal(await client.ask('LAST'), '+OK 0');
      assert.equal(await client.ask('NOOP'), '+OK No-op to you too!');
      assert.equal(await client.ask('DELE 2'), '+OK Message 2 deleted');
      assert.equal(await client.ask('DELE 4'), '+OK Message 4 deleted');
      assert.equal(await client.quit(), '+OK Sayonara (2 deleted, 2 kept)');

      const again = await PopClient.connect(server);
      assert.equal(await again.login(), '+OK Mailbox open, 2 messages');
      const left = await again.multi('UIDL');
      assert.deepEqual(left.slice(1), [`1 ${ids[0]}`, `2 ${ids[2]}`], 'UIDLs survive the update');
      assert.deepEqual((await again.retr(2)).message, served(MESSAGES[2]!));
      await again.quit();
    });
  });

  it('argument and state errors get -ERR with helpful texts', async (t) => {
    if (!requireRoot(t)) return;
    await withPop(LOOPBACK_PLAINTEXT, async (server, home) => {
      home.deliver(MESSAGES[0]!, MESSAGES[1]!);
      const client = await PopClient.connect(server);
      assert.equal(await client.ask('STAT'), '-ERR STAT is not valid before login');
      assert.equal(await client.ask('RETR 1'), '-ERR RETR is not valid before login');
      assert.equal(await client.ask(`PASS ${PASSWORD}`), '-ERR Send USER before PASS');
      assert.equal(await client.ask('USER'), '-ERR USER needs a user name');
      assert.equal(await client.ask('APOP popper'), '-ERR APOP needs a user name and a digest');
      assert.equal(await client.ask('AUTH X-NONE'), '-ERR Unsupported authentication mechanism X-NONE (offered: CRAM-MD5 PLAIN LOGIN)');
      assert.equal(await client.ask('HELO'), '-ERR Unknown command: HELO');
      assert.equal(await client.login(), '+OK Mailbox open, 2 messages');
      for (const [command, answer] of [
        ['RETR', '-ERR RETR needs a message number'],
        ['RETR 0', '-ERR Invalid message number: 0'],
        ['RETR 3', '-ERR No such message: 3 (the maildrop has 2)'],
        ['RETR one', '-ERR Invalid message number: one'],
        ['LIST 1 2', '-ERR LIST takes one argument'],
        ['TOP 1', '-ERR TOP needs a message number and a line count'],
        ['TOP 1 -5', '-ERR Invalid line count: -5'],
        ['DELE 7', '-ERR No such message: 7 (the maildrop has 2)'],
        ['STAT all', '-ERR STAT takes no argument'],
        ['USER popper', '-ERR USER is not valid after login'],
        ['STLS', '-ERR STLS is not valid after login'],
        ['AUTH PLAIN', '-ERR AUTH is not valid after login'],
        ['XTND XMIT', '-ERR Unknown command: XTND'],
      ] as const) {
        assert.equal(await client.ask(command), answer, command);
      }
      assert.equal(await client.quit(), '+OK Sayonara (0 deleted, 2 kept)');
    });
  });

  it('AUTH: PLAIN with and without an initial response, LOGIN, cancel, bad base64', async (t) => {
    if (!requireRoot(t)) return;
    await withPop(LOOPBACK_PLAINTEXT, async (server) => {
      const plain = await PopClient.connect(server);
      assert.deepEqual(await plain.multi('AUTH'), ['+OK Supported authentication mechanisms:', 'CRAM-MD5', 'PLAIN', 'LOGIN']);
      assert.equal(await plain.ask('AUTH PLAIN'), '+ ');
      assert.equal(await plain.ask('*'), '-ERR Authentication cancelled');
      assert.equal(await plain.ask('AUTH PLAIN'), '+ ');
      assert.equal(await plain.ask('%%%'), '-ERR Authentication response is not valid base64; exchange cancelled');
      assert.equal(await plain.ask(`AUTH PLAIN ${base64(`\0${USER}\0${PASSWORD}`)}`), '+OK Mailbox open, 0 messages');
      assert.equal(await plain.quit(), '+OK Sayonara (0 deleted, 0 kept)');

      const login = await PopClient.connect(server);
      assert.equal(await login.ask('AUTH LOGIN'), `+ ${base64('Username:')}`);
      assert.equal(await login.ask(base64(USER)), `+ ${base64('Password:')}`);
      assert.equal(await login.ask(base64(PASSWORD)), '+OK Mailbox open, 0 messages');
      await login.quit();
    });
  });

  it('failures look alike, and the third one closes the connection', async (t) => {
    if (!requireRoot(t)) return;
    await withPop(LOOPBACK_PLAINTEXT, async (server) => {
      const client = await PopClient.connect(server);
      const failed = '-ERR [AUTH] Authentication failed: wrong user name or password';
      assert.equal(await client.login(USER, 'wrong'), failed);
      assert.equal(await client.login('nosuchuser', 'x'), failed);
      assert.equal(await client.login('root', 'x'), '-ERR [AUTH] Authentication failed: too many failures, closing connection');
      await client.script.closedByServer();
    });
  });

  it('nologin refuses with its text', async (t) => {
    if (!requireRoot(t)) return;
    await withPop(LOOPBACK_PLAINTEXT, async (server, home) => {
      home.refuseLogins('Back at noon.\n');
      const client = await PopClient.connect(server);
      assert.equal(await client.login(), '-ERR [SYS/TEMP] Logins are disabled: Back at noon.');
      await client.script.closedByServer();
    });
  });

  it('LOGIN-DELAY is advertised and enforced', async (t) => {
    if (!requireRoot(t)) return;
    await withPop({ ...LOOPBACK_PLAINTEXT, 'pop3-login-delay': '600' }, async (server) => {
      const first = await PopClient.connect(server);
      assert.ok((await first.multi('CAPA')).includes('LOGIN-DELAY 600'));
      assert.equal(await first.login(), '+OK Mailbox open, 0 messages');
      await first.quit();
      const second = await PopClient.connect(server);
      assert.match(await second.login(), /^-ERR \[LOGIN-DELAY\] Logins are allowed every 600 seconds; try again in (599|600) seconds$/);
      await second.script.closedByServer();
    });
  });

  it('bad input: over-long lines, NUL-only lines, garbage; too many in a row close the session', async (t) => {
    if (!requireRoot(t)) return;
    await withPop({}, async (server) => {
      const client = await PopClient.connect(server);
      assert.equal(await client.ask(`NOOP ${'x'.repeat(5000)}`), '-ERR Command line too long (limit 1024 octets)');
      assert.equal(await client.ask(''), '-ERR Null command');
      assert.equal(await client.ask('\u0001\u0002'), '-ERR Unknown command: ??');
      for (let i = 0; i < 6; i++) await client.ask('GARBAGE');
      assert.equal(await client.ask('GARBAGE'), '-ERR Unknown command: GARBAGE; too many invalid commands, closing connection');
      await client.script.closedByServer();
    });
  });

  it('login-timeout before login: -ERR Autologout and close', async (t) => {
    if (!requireRoot(t)) return;
    await withPop({ 'login-timeout': '1' }, async (server) => {
      const client = await PopClient.connect(server);
      assert.equal(await client.script.line(5000), '-ERR Autologout; idle for too long');
      await client.script.closedByServer();
    });
  });
});
