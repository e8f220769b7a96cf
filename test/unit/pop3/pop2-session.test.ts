// POP2 (RFC 937) engine transcripts over an in-memory connection.
import assert from 'node:assert/strict';
import { Duplex, PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { closeLog, configureLog } from '../../../lib/log/syslog';
import { MailError } from '../../../lib/mail/errors';
import { Connection } from '../../../lib/net/connection';
import { InputReader } from '../../../lib/net/input';
import { Pop2Session } from '../../../lib/pop2/session';
import type { LoginPort } from '../../../lib/pop3/login';
import { ScriptClient } from '../../helpers/client';
import { FakeMailbox, fakeLogin, testConfig } from './fakes';

const M1 = 'Subject: one\r\n\r\nHello\r\n';
const M2 = 'Subject: two\r\n\r\n.dot\r\n';

after(() => closeLog());

async function start(login: LoginPort, overrides: readonly string[] = []) {
  configureLog({ socketPath: '/nonexistent/log' });
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const connection = Connection.fromStream(Duplex.from({ readable: toServer, writable: toClient }));
  const session = new Pop2Session({
    connection,
    input: new InputReader(connection),
    config: testConfig(overrides),
    login,
    serverName: 'pop.test',
    clientHost: '[192.0.2.1]',
  });
  const client = new ScriptClient(toClient, toServer);
  const done = session.run();
  assert.equal(await client.line(), '+ POP2 pop.test server ready');
  return { client, done };
}

async function ask(client: ScriptClient, line: string): Promise<string> {
  client.send(line);
  return (await client.line()) ?? '<closed>';
}

async function closesWith(client: ScriptClient, line: string, answer: string): Promise<void> {
  assert.equal(await ask(client, line), answer);
  await client.closedByServer();
}

describe('POP2 session', () => {
  it('reads, acknowledges and deletes, applying changes at QUIT', async () => {
    const mailbox = FakeMailbox.of([M1, M2, M1]);
    const { client, done } = await start(fakeLogin({ mailbox }));
    assert.equal(await ask(client, 'HELO alice secret'), '#3 messages in INBOX');
    assert.equal(await ask(client, 'READ'), `=${M1.length} characters in message 1`);
    client.send('RETR');
    assert.equal((await client.bytes(M1.length)).toString(), M1);
    assert.equal(await ask(client, 'ACKD'), `=${M2.length} characters in message 2`);
    client.send('RETR');
    assert.equal((await client.bytes(M2.length)).toString(), M2, 'POP2 sends the message unstuffed');
    assert.equal(await ask(client, 'NACK'), `=${M2.length} characters in message 2`);
    client.send('RETR');
    await client.bytes(M2.length);
    assert.equal(await ask(client, 'ACKS'), `=${M1.length} characters in message 3`);
    assert.equal(await ask(client, 'READ 1'), '=0 Message 1 is deleted');
    assert.equal(await ask(client, 'READ 4'), '- Invalid message number given to READ: 4');
    await done;
    assert.equal(mailbox.count, 3, 'an error ends the session without changes');

    const again = await start(fakeLogin({ mailbox }));
    await ask(again.client, 'HELO alice secret');
    await ask(again.client, 'READ 2');
    again.client.send('RETR');
    await again.client.bytes(M2.length);
    assert.equal(await ask(again.client, 'ACKD'), `=${M1.length} characters in message 3`);
    again.client.send('RETR');
    await again.client.bytes(M1.length);
    assert.equal(await ask(again.client, 'ACKS'), '=0 No more messages');
    await closesWith(again.client, 'QUIT', '+ Sayonara');
    await again.done;
    assert.deepEqual(mailbox.expungedUids, [2]);
    assert.deepEqual(mailbox.messages.map((message) => [message.uid, [...message.flags]]), [
      [1, []],
      [3, ['\\Seen']],
    ]);
  });

  it('FOLD switches folders after applying the changes of the current one', async () => {
    const inbox = FakeMailbox.of([M1]);
    const saved = FakeMailbox.of([M2, M2]);
    const { client } = await start(fakeLogin({ mailbox: inbox, folders: { saved } }));
    await ask(client, 'HELO alice secret');
    await ask(client, 'READ');
    client.send('RETR');
    await client.bytes(M1.length);
    assert.equal(await ask(client, 'ACKD'), '=0 No more messages');
    assert.equal(await ask(client, 'FOLD saved'), '#2 messages in saved');
    assert.deepEqual(inbox.expungedUids, [1]);
    await closesWith(client, 'FOLD missing', '- [SYS/PERM] Cannot open missing: no folder missing');
  });

  it('refuses HELO where plaintext passwords are not allowed', async () => {
    const { client } = await start(fakeLogin({ plaintext: false }));
    await closesWith(client, 'HELO alice secret', '- Plaintext passwords are not accepted on this connection; use POP2 over TLS');
  });

  it('a wrong password ends the session', async () => {
    const { client } = await start(fakeLogin());
    await closesWith(client, 'HELO alice wrong', '- Bad login');
  });

  it('passwords may contain spaces and backslash quoting', async () => {
    const login = fakeLogin();
    let seen = '';
    login.verifyPlaintext = async (_user, password) => {
      seen = password;
      return undefined;
    };
    const { client } = await start(login);
    await ask(client, 'HELO alice two wo\\rds\\\\');
    assert.equal(seen, 'two words\\');
  });

  it('answers a locked INBOX with an error line', async () => {
    const { client } = await start(fakeLogin({ openError: new MailError('in-use', 'locked') }));
    await closesWith(client, 'HELO alice secret', '- [IN-USE] Cannot open INBOX: Mailbox is in use by another session; try again later');
  });

  it('out of sequence, unknown and malformed commands end the session', async () => {
    for (const [line, answer] of [
      ['READ', '- Bogus or out of sequence command - READ'],
      ['XYZ', '- Bogus or out of sequence command - XYZ'],
      ['', '- Missing or null command'],
      ['HELO alice', '- Missing user or password'],
      [`HELO ${'x'.repeat(2000)}`, '- Command line too long'],
    ] as const) {
      const { client } = await start(fakeLogin());
      await closesWith(client, line, answer);
    }
    const { client } = await start(fakeLogin({ mailbox: FakeMailbox.of([M1]) }));
    await ask(client, 'HELO alice secret');
    await closesWith(client, 'RETR', '- Bogus or out of sequence command - RETR');
    const other = await start(fakeLogin({ mailbox: FakeMailbox.of([M1]) }));
    await ask(other.client, 'HELO alice secret');
    await closesWith(other.client, 'QUIT now', '- Bogus argument given to QUIT');
  });

  it('autologout changes nothing', async () => {
    const mailbox = FakeMailbox.of([M1]);
    const { client, done } = await start(fakeLogin({ mailbox }), ['pop3-timeout=1']);
    await ask(client, 'HELO alice secret');
    await ask(client, 'READ');
    client.send('RETR');
    await client.bytes(M1.length);
    client.send('ACKD');
    await client.line();
    assert.equal(await client.line(5000), '- Autologout; idle for too long');
    await done;
    assert.equal(mailbox.count, 1);
    assert.deepEqual(mailbox.closed, { expunge: false });
  });
});
