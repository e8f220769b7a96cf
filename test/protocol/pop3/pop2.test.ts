// The real bin/ipop2d (RFC 937) through the inetd harness: the plaintext
// policy on HELO, reading and acknowledging mail, FOLD, implicit TLS.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requireRoot } from '../../helpers/require';
import { LOOPBACK_PLAINTEXT, MESSAGES, PASSWORD, PopClient, USER, served, withPop } from './pop-home';

function subjects(text: string): string[] {
  return [...text.matchAll(/^Subject: (.*)$/gm)].map((match) => match[1] ?? '').filter((subject) => !subject.startsWith("DON'T DELETE"));
}

describe('ipop2d (real executable)', () => {
  it('refuses HELO on a connection without TLS', async (t) => {
    if (!requireRoot(t)) return;
    await withPop(
      {},
      async (server) => {
        const client = await PopClient.connect(server);
        assert.match(client.greeting, /^\+ POP2 \S+ server ready$/);
        assert.equal(await client.ask(`HELO ${USER} ${PASSWORD}`), '- Plaintext passwords are not accepted on this connection; use POP2 over TLS');
        await client.script.closedByServer();
      },
      'ipop2d',
    );
  });

  it('HELO, READ, RETR, ACKS, ACKD, NACK, FOLD and QUIT', async (t) => {
    if (!requireRoot(t)) return;
    await withPop(
      LOOPBACK_PLAINTEXT,
      async (server, home) => {
        home.deliver(...MESSAGES);
        home.write('saved', `From x@example.org Mon Jan  1 10:00:00 2024\nSubject: in a folder\n\nsaved body\n\n`);
        const client = await PopClient.connect(server);
        assert.equal(await client.ask(`HELO ${USER} ${PASSWORD}`), '#4 messages in INBOX');
        const sizes = MESSAGES.map((message) => served(message).length);
        assert.equal(await client.ask('READ'), `=${sizes[0]} characters in message 1`);
        client.script.send('RETR');
        assert.deepEqual(await client.script.bytes(sizes[0]!), served(MESSAGES[0]!));
        assert.equal(await client.ask('ACKS'), `=${sizes[1]} characters in message 2`);
        client.script.send('RETR');
        assert.deepEqual(await client.script.bytes(sizes[1]!), served(MESSAGES[1]!), 'POP2 sends dots as they are');
        assert.equal(await client.ask('NACK'), `=${sizes[1]} characters in message 2`);
        client.script.send('RETR');
        await client.script.bytes(sizes[1]!);
        assert.equal(await client.ask('ACKD'), `=${sizes[2]} characters in message 3`);
        assert.equal(await client.ask('READ 4'), `=${sizes[3]} characters in message 4`);
        client.script.send('RETR');
        await client.script.bytes(sizes[3]!);
        assert.equal(await client.ask('ACKD'), '=0 No more messages');
        assert.equal(await client.ask('FOLD saved'), '#1 messages in saved');
        assert.deepEqual(subjects(home.spoolText()), ['first', '=?UTF-8?B?w6lsw6h2ZQ==?='], 'FOLD applied the INBOX changes');
        assert.match(home.spoolText(), /Subject: first\n(?:.*\n)*?Status: RO/);
        assert.equal(await client.ask('READ'), '=36 characters in message 1');
        assert.equal(await client.ask('QUIT'), '+ Sayonara');
        await client.script.closedByServer();
      },
      'ipop2d',
    );
  });

  it('a bad password ends the session; a hangup changes nothing', async (t) => {
    if (!requireRoot(t)) return;
    await withPop(
      LOOPBACK_PLAINTEXT,
      async (server, home) => {
        home.deliver(MESSAGES[0]!);
        const bad = await PopClient.connect(server);
        assert.equal(await bad.ask(`HELO ${USER} wrong`), '- Bad login');
        await bad.script.closedByServer();
        const client = await PopClient.connect(server);
        await client.ask(`HELO ${USER} ${PASSWORD}`);
        await client.ask('READ');
        client.script.send('RETR');
        await client.script.bytes(served(MESSAGES[0]!).length);
        await client.ask('ACKD');
        client.close();
        await server.close();
        assert.deepEqual(subjects(home.spoolText()), ['first']);
      },
      'ipop2d',
    );
  });

  it('a FOLD name with control and 8-bit bytes is refused with a printable line (found by the protocol fuzzer)', async (t) => {
    if (!requireRoot(t)) return;
    await withPop(
      LOOPBACK_PLAINTEXT,
      async (server, home) => {
        home.deliver(MESSAGES[0]!);
        const client = await PopClient.connect(server);
        await client.ask(`HELO ${USER} ${PASSWORD}`);
        client.script.send(Buffer.from('FOLD caf\xc3\xa9\x11\xff\r\n', 'latin1'));
        const answer = (await client.script.line()) ?? '';
        assert.match(answer, /^- [\x20-\x7e]+$/);
        await client.script.closedByServer();
      },
      'ipop2d',
    );
  });

  it('implicit TLS (--tls): HELO is accepted', async (t) => {
    if (!requireRoot(t)) return;
    await withPop(
      {},
      async (server, home) => {
        home.deliver(MESSAGES[0]!);
        const client = await PopClient.connectTls(server);
        assert.match(client.greeting, /^\+ POP2 /);
        assert.equal(await client.ask(`HELO ${USER} ${PASSWORD}`), '#1 messages in INBOX');
        assert.equal(await client.ask('QUIT'), '+ Sayonara');
      },
      'ipop2d',
      ['--tls'],
    );
  });
});
