// POP3 engine transcripts over an in-memory connection with fake login and
// mailbox: every command, every error path, the state rules.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { closeLog } from '../../../lib/log/syslog';
import { MailError } from '../../../lib/mail/errors';
import { ask, askMulti, FakeMailbox, fakeLogin, startSession } from './fakes';

const M1 = 'From: a@example.org\r\nSubject: one\r\n\r\nHello\r\n';
const M2 = 'From: b@example.org\r\nSubject: two\r\n\r\n.dot line\r\nsecond\r\nthird\r\n';
const M3 = 'From: c@example.org\r\nSubject: three\r\n\r\nno final newline';

after(() => closeLog());

async function loggedIn(mailbox = FakeMailbox.of([M1, M2, M3]), overrides: readonly string[] = []) {
  const running = await startSession(fakeLogin({ mailbox }), { overrides });
  assert.equal(await ask(running.client, 'USER alice'), '+OK User name accepted, password please');
  assert.equal(await ask(running.client, 'PASS secret'), '+OK Mailbox open, 3 messages'.replace('3', String(mailbox.count - [...mailbox.messages].filter((m) => m.flags.has('\\Deleted')).length)));
  return { ...running, mailbox };
}

describe('POP3 authorization state', () => {
  it('greets without a timestamp when APOP is off, with one when on', async () => {
    const plain = await startSession(fakeLogin());
    assert.equal(plain.greeting, '+OK POP3 pop.test server ready');
    const apop = await startSession(fakeLogin({ apop: true }));
    assert.equal(apop.greeting, '+OK POP3 pop.test server ready <1.2@test>');
  });

  it('CAPA lists USER and PLAIN only when plaintext is allowed, STLS only with a certificate', async () => {
    const open = await startSession(fakeLogin(), { overrides: ['pop3-login-delay=60', 'pop3-expire=30'] });
    assert.deepEqual(await askMulti(open.client, 'CAPA'), [
      '+OK Capability list follows',
      'TOP',
      'UIDL',
      'USER',
      'SASL CRAM-MD5 PLAIN',
      'RESP-CODES',
      'AUTH-RESP-CODE',
      'PIPELINING',
      'EXPIRE 30',
      'LOGIN-DELAY 60',
      'IMPLEMENTATION imap-uw-ts ipop3d',
    ]);
    const closed = await startSession(fakeLogin({ plaintext: false }), { tlsAvailable: true });
    const caps = await askMulti(closed.client, 'CAPA');
    assert.ok(!caps.includes('USER'));
    assert.ok(caps.includes('SASL CRAM-MD5'));
    assert.ok(caps.includes('STLS'));
    assert.ok(caps.includes('EXPIRE NEVER'));
    assert.ok(!caps.some((line) => line.startsWith('LOGIN-DELAY')));
  });

  it('refuses USER and PASS with [AUTH] when plaintext is not allowed', async () => {
    const { client } = await startSession(fakeLogin({ plaintext: false }), { tlsAvailable: true });
    assert.equal(await ask(client, 'USER alice'), '-ERR [AUTH] Plaintext passwords are not accepted on this connection; use STLS first');
    assert.match(await ask(client, 'PASS secret'), /^-ERR \[AUTH\] Plaintext passwords are not accepted/);
    assert.match(await ask(client, 'AUTH PLAIN AGFsaWNlAHNlY3JldA=='), /^-ERR \[AUTH\] Plaintext passwords are not accepted/);
  });

  it('logs in with USER/PASS; a wrong password is [AUTH]; the third failure closes', async () => {
    const { client, done } = await startSession(fakeLogin());
    assert.equal(await ask(client, 'PASS secret'), '-ERR Send USER before PASS');
    assert.equal(await ask(client, 'USER'), '-ERR USER needs a user name');
    await ask(client, 'USER alice');
    assert.equal(await ask(client, 'PASS'), '-ERR PASS needs a password');
    await ask(client, 'USER alice');
    assert.equal(await ask(client, 'PASS wrong'), '-ERR [AUTH] Authentication failed: wrong user name or password');
    await ask(client, 'USER alice');
    assert.equal(await ask(client, 'PASS wrong again'), '-ERR [AUTH] Authentication failed: wrong user name or password');
    await ask(client, 'USER bob');
    assert.equal(await ask(client, 'PASS x'), '-ERR [AUTH] Authentication failed: too many failures, closing connection');
    await client.closedByServer();
    await done;
  });

  it('keeps spaces in the password', async () => {
    const login = fakeLogin();
    let seen = '';
    login.verifyPlaintext = async (_user, password) => {
      seen = password;
      return undefined;
    };
    const { client } = await startSession(login);
    await ask(client, 'USER alice');
    await ask(client, 'PASS  two words ');
    assert.equal(seen, ' two words ');
  });

  it('APOP works only with a timestamp and checks its arguments', async () => {
    const without = await startSession(fakeLogin());
    assert.equal(await ask(without.client, `APOP alice ${'a'.repeat(32)}`), '-ERR APOP is not available on this server');
    const withApop = await startSession(fakeLogin({ apop: true, mailbox: FakeMailbox.of([M1]) }));
    assert.equal(await ask(withApop.client, 'APOP alice'), '-ERR APOP needs a user name and a digest');
    assert.equal(await ask(withApop.client, 'APOP alice xyz'), '-ERR APOP digest must be 32 hexadecimal digits');
    assert.equal(await ask(withApop.client, `APOP alice ${'b'.repeat(32)}`), '-ERR [AUTH] Authentication failed: wrong user name or password');
    assert.equal(await ask(withApop.client, `APOP alice ${'a'.repeat(32)}`), '+OK Mailbox open, 1 messages');
  });

  it('AUTH lists mechanisms, takes initial responses, challenges and cancels', async () => {
    const { client } = await startSession(fakeLogin({ mailbox: FakeMailbox.of([M1]) }));
    assert.deepEqual(await askMulti(client, 'AUTH'), ['+OK Supported authentication mechanisms:', 'CRAM-MD5', 'PLAIN']);
    assert.equal(await ask(client, 'AUTH X-UNKNOWN'), '-ERR Unsupported authentication mechanism X-UNKNOWN (offered: CRAM-MD5 PLAIN)');
    assert.equal(await ask(client, 'AUTH PLAIN !!!'), '-ERR Initial response is not valid base64');
    assert.equal(await ask(client, 'AUTH PLAIN'), '+ ');
    assert.equal(await ask(client, '*'), '-ERR Authentication cancelled');
    assert.equal(await ask(client, 'AUTH CRAM-MD5'), `+ ${Buffer.from('<challenge@test>').toString('base64')}`);
    assert.equal(await ask(client, 'not base64!'), '-ERR Authentication response is not valid base64; exchange cancelled');
    assert.equal(await ask(client, 'AUTH CRAM-MD5'), `+ ${Buffer.from('<challenge@test>').toString('base64')}`);
    assert.equal(await ask(client, Buffer.from('alice bad').toString('base64')), '-ERR [AUTH] Authentication failed: wrong user name or password');
    const initial = Buffer.from('\0alice\0secret').toString('base64');
    assert.equal(await ask(client, `AUTH PLAIN ${initial}`), '+OK Mailbox open, 1 messages');
  });

  it('AUTH with "=" sends an empty initial response', async () => {
    const { client } = await startSession(fakeLogin());
    assert.equal(await ask(client, 'AUTH PLAIN ='), '-ERR [AUTH] Authentication failed: wrong user name or password');
  });

  it('refuses transaction commands before login and STLS without a certificate', async () => {
    const { client } = await startSession(fakeLogin());
    for (const command of ['STAT', 'LIST', 'RETR 1', 'DELE 1', 'NOOP', 'RSET', 'TOP 1 1', 'UIDL', 'LAST']) {
      assert.equal(await ask(client, command), `-ERR ${command.split(' ')[0]} is not valid before login`);
    }
    assert.equal(await ask(client, 'STLS'), '-ERR STLS is not available: no certificate installed');
  });

  it('STLS discards pipelined input and starts TLS', async () => {
    const running = await startSession(fakeLogin({ plaintext: false }), { tlsAvailable: true });
    running.client.write('STLS\r\nUSER alice\r\nPASS secret\r\n');
    assert.equal(await running.client.line(), '+OK Begin TLS negotiation');
    await running.done;
    assert.equal(running.tlsStarts.length, 1);
    assert.equal(await running.client.line(), undefined, 'no answer to the injected commands');
  });

  it('STLS with an unusable certificate says so before any handshake', async () => {
    const running = await startSession(fakeLogin(), { tlsAvailable: true, tlsUsable: false });
    assert.equal(await ask(running.client, 'STLS'), '-ERR [SYS/TEMP] STLS is not available: the certificate cannot be used');
    assert.equal(running.tlsStarts.length, 0);
    assert.equal(await ask(running.client, 'QUIT'), '+OK Sayonara');
  });

  it('answers nologin with [SYS/TEMP] and closes', async () => {
    const { client, done } = await startSession(fakeLogin({ nologin: 'System maintenance' }));
    await ask(client, 'USER alice');
    assert.equal(await ask(client, 'PASS secret'), '-ERR [SYS/TEMP] Logins are disabled: System maintenance');
    await done;
  });

  it('answers a locked mailbox with [IN-USE] and closes', async () => {
    const { client, done } = await startSession(fakeLogin({ openError: new MailError('in-use', 'locked') }));
    await ask(client, 'USER alice');
    assert.equal(await ask(client, 'PASS secret'), '-ERR [IN-USE] Cannot open your mailbox: Mailbox is in use by another session; try again later');
    await client.closedByServer();
    await done;
  });

  it('maps other storage failures to SYS codes', async () => {
    const temp = await startSession(fakeLogin({ openError: new MailError('temporary', 'lock timeout') }));
    await ask(temp.client, 'USER alice');
    assert.match(await ask(temp.client, 'PASS secret'), /^-ERR \[SYS\/TEMP\] /);
    const perm = await startSession(fakeLogin({ openError: new MailError('corrupt', 'bad file') }));
    await ask(perm.client, 'USER alice');
    assert.match(await ask(perm.client, 'PASS secret'), /^-ERR \[SYS\/PERM\] /);
    const odd = await startSession(fakeLogin({ openError: new Error('boom') }));
    await ask(odd.client, 'USER alice');
    assert.equal(await ask(odd.client, 'PASS secret'), '-ERR [SYS/TEMP] Cannot open your mailbox: server error');
  });

  it('answers a login that comes too soon with [LOGIN-DELAY] and closes', async () => {
    const { client, done } = await startSession(fakeLogin({ delay: 42 }), { overrides: ['pop3-login-delay=300'] });
    await ask(client, 'USER alice');
    assert.equal(await ask(client, 'PASS secret'), '-ERR [LOGIN-DELAY] Logins are allowed every 300 seconds; try again in 42 seconds');
    await client.closedByServer();
    await done;
  });

  it('QUIT before login says goodbye', async () => {
    const { client, done } = await startSession();
    assert.equal(await ask(client, 'QUIT'), '+OK Sayonara');
    await client.closedByServer();
    await done;
  });
});

describe('POP3 bad input', () => {
  it('answers unknown, empty and over-long commands and then closes after too many', async () => {
    const { client, done } = await startSession();
    assert.equal(await ask(client, 'XYZZY'), '-ERR Unknown command: XYZZY');
    assert.equal(await ask(client, ''), '-ERR Null command');
    assert.equal(await ask(client, `NOOP ${'x'.repeat(2000)}`), '-ERR Command line too long (limit 1024 octets)');
    assert.equal(await ask(client, 'RPOP x'), '-ERR Unknown command: RPOP');
    for (let i = 0; i < 5; i++) await ask(client, 'BOGUS');
    assert.equal(await ask(client, 'BOGUS'), '-ERR Unknown command: BOGUS; too many invalid commands, closing connection');
    await client.closedByServer();
    await done;
  });

  it('accepts lower-case commands and bare LF', async () => {
    const { client } = await startSession(fakeLogin({ mailbox: FakeMailbox.of([M1]) }));
    client.write('user alice\npass secret\nstat\n');
    assert.equal(await client.line(), '+OK User name accepted, password please');
    assert.equal(await client.line(), '+OK Mailbox open, 1 messages');
    assert.match((await client.line()) ?? '', /^\+OK 1 \d+$/);
  });

  it('a hangup leaves the mailbox untouched', async () => {
    const { client, done, mailbox } = await loggedIn();
    await ask(client, 'RETR 1');
    await ask(client, 'DELE 2');
    client.close();
    await done;
    assert.deepEqual(mailbox.closed, { expunge: false });
    assert.equal(mailbox.count, 3);
    assert.ok(mailbox.messages.every((message) => message.flags.size === 0));
  });

  it('autologout after the idle timer leaves the mailbox untouched', async () => {
    const mailbox = FakeMailbox.of([M1]);
    const running = await startSession(fakeLogin({ mailbox }), { overrides: ['pop3-timeout=1'] });
    await ask(running.client, 'USER alice');
    await ask(running.client, 'PASS secret');
    await ask(running.client, 'DELE 1');
    assert.equal(await running.client.line(5000), '-ERR Autologout; idle for too long');
    await running.done;
    assert.equal(mailbox.count, 1);
    assert.deepEqual(mailbox.closed, { expunge: false });
  });

  it('login-timeout bounds the whole time before login, however busy the client is', async () => {
    const running = await startSession(fakeLogin(), { overrides: ['login-timeout=1'] });
    const started = Date.now();
    let answer = '';
    while (!answer.startsWith('-ERR Autologout')) {
      running.client.send('CAPA');
      answer = (await running.client.line(5000)) ?? '';
      while (answer !== '.' && !answer.startsWith('-ERR')) answer = (await running.client.line(5000)) ?? '-ERR closed';
      assert.ok(Date.now() - started < 5000, 'ended by the deadline');
    }
    await running.done;
  });

  it('login-timeout applies before login', async () => {
    const running = await startSession(fakeLogin(), { overrides: ['login-timeout=1'] });
    assert.equal(await running.client.line(5000), '-ERR Autologout; idle for too long');
    await running.done;
  });
});

describe('POP3 transaction state', () => {
  it('STAT and LIST report the size before stuffing (RFC 1939 §11), RETR the octets it sends', async () => {
    const { client } = await loggedIn();
    const sizes = [M1, M2, M3].map((text) => Buffer.byteLength(text));
    const sent = sizes.map((size, index) => size + [0, 1, 2][index]!);
    assert.equal(await ask(client, 'STAT'), `+OK 3 ${sizes.reduce((a, b) => a + b)}`);
    assert.deepEqual(await askMulti(client, 'LIST'), ['+OK 3 messages', ...sizes.map((size, index) => `${index + 1} ${size}`)]);
    assert.equal(await ask(client, 'LIST 2'), `+OK 2 ${sizes[1]}`);
    for (let number = 1; number <= 3; number++) {
      client.send(`RETR ${number}`);
      const status = (await client.line()) ?? '';
      const announced = Number(/^\+OK (\d+) octets$/.exec(status)?.[1]);
      assert.equal(announced, sent[number - 1]);
      const body = await client.bytes(announced);
      assert.equal((await client.line()), '.');
      const expected = [M1, M2.replace('\r\n.dot', '\r\n..dot'), `${M3}\r\n`][number - 1];
      assert.equal(body.toString(), expected);
    }
  });

  it('argument errors', async () => {
    const { client } = await loggedIn();
    assert.equal(await ask(client, 'LIST 0'), '-ERR Invalid message number: 0');
    assert.equal(await ask(client, 'LIST x'), '-ERR Invalid message number: x');
    assert.equal(await ask(client, 'LIST -1'), '-ERR Invalid message number: -1');
    assert.equal(await ask(client, 'LIST 4'), '-ERR No such message: 4 (the maildrop has 3)');
    assert.equal(await ask(client, 'LIST 1 2'), '-ERR LIST takes one argument');
    assert.equal(await ask(client, 'RETR'), '-ERR RETR needs a message number');
    assert.equal(await ask(client, 'DELE'), '-ERR DELE needs a message number');
    assert.equal(await ask(client, 'TOP 1'), '-ERR TOP needs a message number and a line count');
    assert.equal(await ask(client, 'TOP 1 x'), '-ERR Invalid line count: x');
    assert.equal(await ask(client, 'TOP 1 -1'), '-ERR Invalid line count: -1');
    assert.equal(await ask(client, 'TOP 9 1'), '-ERR No such message: 9 (the maildrop has 3)');
    assert.equal(await ask(client, 'STAT 1'), '-ERR STAT takes no argument');
    assert.equal(await ask(client, 'NOOP x'), '-ERR NOOP takes no argument');
    assert.equal(await ask(client, 'USER alice'), '-ERR USER is not valid after login');
    assert.equal(await ask(client, 'STLS'), '-ERR STLS is not valid after login');
    assert.equal(await ask(client, 'UIDL 99999999999'), '-ERR Invalid message number: 99999999999');
  });

  it('UIDL uses UW\'s %08x%08x form', async () => {
    const { client } = await loggedIn();
    assert.deepEqual(await askMulti(client, 'UIDL'), ['+OK Unique-ID listing follows', '1 05f5e10000000001', '2 05f5e10000000002', '3 05f5e10000000003']);
    assert.equal(await ask(client, 'UIDL 2'), '+OK 2 05f5e10000000002');
  });

  it('TOP sends the header and n lines, stuffed, without marking seen', async () => {
    const { client, mailbox } = await loggedIn();
    assert.deepEqual(await askMulti(client, 'TOP 2 1'), ['+OK Top of message follows', 'From: b@example.org', 'Subject: two', '', '..dot line']);
    assert.deepEqual(await askMulti(client, 'TOP 1 0'), ['+OK Top of message follows', 'From: a@example.org', 'Subject: one', '']);
    assert.equal(await ask(client, 'QUIT'), '+OK Sayonara (0 deleted, 3 kept)');
    assert.ok(mailbox.messages.every((message) => !message.flags.has('\\Seen')));
  });

  it('DELE hides a message; deleted messages are refused; RSET restores them', async () => {
    const { client } = await loggedIn();
    assert.equal(await ask(client, 'DELE 2'), '+OK Message 2 deleted');
    assert.equal(await ask(client, 'DELE 2'), '-ERR Message 2 is already deleted');
    assert.equal(await ask(client, 'RETR 2'), '-ERR Message 2 is already deleted');
    assert.match(await ask(client, 'STAT'), /^\+OK 2 /);
    assert.deepEqual((await askMulti(client, 'LIST')).map((line) => line.split(' ')[0]), ['+OK', '1', '3']);
    assert.deepEqual((await askMulti(client, 'UIDL')).map((line) => line.split(' ')[0]), ['+OK', '1', '3']);
    assert.equal(await ask(client, 'RSET'), '+OK Reset state, 3 messages');
    assert.match(await ask(client, 'STAT'), /^\+OK 3 /);
  });

  it('QUIT removes exactly the deleted messages and marks retrieved ones seen', async () => {
    const mailbox = FakeMailbox.of([M1, M2, M3, M1], [[], [], [], ['\\Deleted']]);
    const { client, done } = await loggedIn(mailbox);
    assert.equal(await ask(client, 'STAT').then((line) => line.split(' ')[1]), '3', 'an IMAP-deleted message is hidden');
    await askMulti(client, 'RETR 1');
    await ask(client, 'DELE 3');
    assert.equal(await ask(client, 'QUIT'), '+OK Sayonara (1 deleted, 2 kept)');
    await done;
    assert.deepEqual(mailbox.expungedUids, [3]);
    assert.deepEqual(mailbox.messages.map((message) => [message.uid, [...message.flags].sort()]), [
      [1, ['\\Seen']],
      [2, []],
      [4, ['\\Deleted']],
    ]);
    assert.deepEqual(mailbox.closed, { expunge: false });
  });

  it('EXPIRE 0 deletes retrieved messages at QUIT', async () => {
    const mailbox = FakeMailbox.of([M1, M2]);
    const { client } = await loggedIn(mailbox, ['pop3-expire=0']);
    await askMulti(client, 'RETR 2');
    assert.equal(await ask(client, 'QUIT'), '+OK Sayonara (1 deleted, 1 kept)');
    assert.deepEqual(mailbox.expungedUids, [2]);
  });

  it('LAST starts at the last seen message, follows access, and RSET restores it', async () => {
    const mailbox = FakeMailbox.of([M1, M2, M3], [['\\Seen'], [], []]);
    const { client } = await loggedIn(mailbox);
    assert.equal(await ask(client, 'LAST'), '+OK 1');
    await askMulti(client, 'RETR 3');
    assert.equal(await ask(client, 'LAST'), '+OK 3');
    await ask(client, 'RSET');
    assert.equal(await ask(client, 'LAST'), '+OK 1');
  });

  it('NOOP, CAPA after login', async () => {
    const { client } = await loggedIn();
    assert.equal(await ask(client, 'NOOP'), '+OK No-op to you too!');
    const caps = await askMulti(client, 'CAPA');
    assert.ok(!caps.includes('USER') && !caps.some((line) => line.startsWith('SASL')));
    assert.ok(caps.includes('TOP') && caps.includes('UIDL') && caps.includes('PIPELINING'));
  });

  it('answers pipelined commands in order', async () => {
    const mailbox = FakeMailbox.of([M1, M2]);
    const { client } = await startSession(fakeLogin({ mailbox }));
    client.write('USER alice\r\nPASS secret\r\nSTAT\r\nUIDL 1\r\nDELE 1\r\nLIST\r\nQUIT\r\n');
    const lines: string[] = [];
    for (let line = await client.line(); line !== undefined; line = await client.line()) lines.push(line);
    assert.deepEqual(lines.map((line) => line.split(' ').slice(0, 2).join(' ')), [
      '+OK User', '+OK Mailbox', `+OK 2`, '+OK 1', '+OK Message', '+OK 1', '2 ' + Buffer.byteLength(M2), '.', '+OK Sayonara',
    ]);
    assert.deepEqual(mailbox.expungedUids, [1]);
  });

  it('a storage failure during RETR answers -ERR [SYS/TEMP] and the session goes on', async () => {
    const mailbox = FakeMailbox.of([M1]);
    mailbox.read = async () => {
      throw new MailError('temporary', 'I/O error');
    };
    const { client } = await loggedIn(mailbox);
    assert.equal(await ask(client, 'RETR 1'), '-ERR [SYS/TEMP] RETR failed: Mailbox temporarily unavailable; try again later');
    assert.equal(await ask(client, 'NOOP'), '+OK No-op to you too!');
  });
});
