// Hostile and broken input: every command name with random arguments, in
// every state, must get a tagged answer (never a crash, a hang or silence),
// and a client that vanishes in the middle of a literal ends the loop.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeStore } from './fake-store';
import { message, startEngine } from './harness';

const NAMES = [
  'CAPABILITY', 'NOOP', 'LOGOUT', 'STARTTLS', 'AUTHENTICATE', 'LOGIN', 'SELECT', 'EXAMINE', 'CREATE', 'DELETE', 'RENAME', 'SUBSCRIBE',
  'UNSUBSCRIBE', 'LIST', 'LSUB', 'NAMESPACE', 'STATUS', 'APPEND', 'CHECK', 'CLOSE', 'UNSELECT', 'EXPUNGE', 'STORE', 'COPY', 'MOVE',
  'IDLE', 'ID', 'ENABLE', 'UID STORE', 'UID COPY', 'UID MOVE', 'UID EXPUNGE', 'FETCH', 'SEARCH', 'SORT', 'THREAD',
];
const TOKENS = [
  'INBOX', '""', '"a b"', '()', '(', ')', '((', '*', '1', '0', '1:*', '*:1', '4294967296', '1,', ':', 'NIL', '\\Seen', '\\Bogus', '+FLAGS',
  'FLAGS.SILENT', '(MESSAGES UNSEEN)', '"01-Jan-2024 10:00:00 +0000"', '"bad"', '%', 'x]y', '"\\x"', '"unterminated', '\x01', '\xff\xfe',
  'ALL', 'UTF-8', '(SUBJECT)', 'REFERENCES', '~', '{', '}', 'BODY[]', '(FLAGS UID)',
];

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
}

describe('robustness', () => {
  it('answers 600 random commands, each with its own tagged response', async () => {
    const store = new FakeStore();
    for (let index = 0; index < 3; index++) store.stored('INBOX').add({ data: message(`m${index}`), flags: [] });
    const { client } = startEngine({ store });
    const next = random(42);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    for (let index = 0; index < 600; index++) {
      const name = pick(NAMES);
      if (name === 'LOGOUT' || name === 'IDLE') continue;
      const args = Array.from({ length: Math.floor(next() * 4) }, () => pick(TOKENS)).join(' ');
      const tag = `t${index}`;
      client.send(Buffer.from(`${tag} ${name}${args === '' ? '' : ` ${args}`}\r\n`, 'latin1'));
      const answer = (await client.until(tag)).at(-1) ?? '';
      assert.match(answer, new RegExp(`^${tag} (OK|NO|BAD) `), `${name} ${args}`);
      // Keep the run of BADs below the limit that ends the session.
      if (index % 5 === 0) await client.command(`n${index}`, 'NOOP');
      if (index % 50 === 0) await client.command(`s${index}`, 'SELECT INBOX');
    }
  });

  it('never lets a name echoed in an error forge a response line', async () => {
    const { client } = startEngine();
    client.send('a DELETE {14+}\r\nx\r\n* OK forged');
    assert.deepEqual(await client.until('a'), ['a NO [NONEXISTENT] Mailbox x??* OK forged does not exist']);
  });

  it('ends cleanly when the client vanishes during a literal', async () => {
    const { client, finished } = startEngine();
    client.send('a APPEND INBOX {100}');
    assert.equal(await client.line(), '+ Ready for argument');
    client.write('only part of it');
    client.close();
    await finished;
  });

  it('answers NUL bytes and 8-bit garbage before login, then says BYE', async () => {
    const { client, session, finished } = startEngine({ authenticated: false });
    for (const junk of ['\0\0\0', '\x16\x03\x01\x02\x00', 'a \xff\xfe', 'GET / HTTP/1.0', '\x80 NOOP']) client.send(Buffer.from(`${junk}\r\n`, 'latin1'));
    const answers = [];
    for (let index = 0; index < 5; index++) answers.push(await client.line());
    assert.deepEqual(answers, [
      '* BAD Missing or invalid tag',
      '* BAD Missing or invalid tag',
      'a BAD Missing command',
      'GET BAD Command unrecognized: /',
      '* BAD Missing or invalid tag',
    ]);
    await finished;
    // serve.ts sends the BYE when the loop ends this way.
    assert.equal(session.pendingFarewell, 'Too many invalid commands');
  });
});
