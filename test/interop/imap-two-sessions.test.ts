// Two real imapd sessions on one mbox INBOX (pre-authenticated over pipes,
// as two ssh tunnels would be): the second gets it read-only, as with UW;
// flags written by the first (at its checkpoint) and its expunges reach the
// second only where RFC 3501 allows (a FETCH that meets an expunged message
// serves the rest, then NO [EXPUNGEISSUE]); mail delivered to the file, or appended
// by the other session, reaches an IDLE client within 5 seconds; and the
// autologout timer ends an IDLE that nobody ends.
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ScriptClient } from '../helpers/client';
import { MailHome } from '../protocol/imap/mail-home';

const FIXTURE = join(__dirname, '..', 'protocol', 'imap', 'scripts', 'select.mbox');
const PUSH_WITHIN_MS = 5000;

async function session(home: MailHome): Promise<ScriptClient> {
  const child = home.spawnPreauth();
  const client = new ScriptClient(child.stdout, child.stdin);
  assert.match((await client.line()) ?? '', /^\* PREAUTH /);
  return client;
}

describe('imapd: two sessions on one mailbox', () => {
  it('sees the other session\'s flags, expunges and new mail at the right moments', async () => {
    const home = new MailHome();
    home.install(FIXTURE);
    try {
      const a = await session(home);
      const b = await session(home);
      assert.equal((await a.command('a1', 'SELECT INBOX')).at(-1), 'a1 OK [READ-WRITE] SELECT completed');
      assert.equal((await b.command('b1', 'SELECT INBOX')).at(-1), 'b1 OK [READ-ONLY] SELECT completed');

      await a.command('a2', 'STORE 1 +FLAGS.SILENT (\\Flagged)');
      await a.command('a3', 'CHECK');
      assert.deepEqual(await b.command('b2', 'NOOP'), ['* 1 FETCH (FLAGS (\\Seen \\Flagged))', 'b2 OK NOOP completed']);

      await a.command('a4', 'STORE 2 +FLAGS.SILENT (\\Deleted)');
      assert.deepEqual(await a.command('a5', 'EXPUNGE'), ['* 2 EXPUNGE', 'a5 OK EXPUNGE completed']);
      // FETCH, STORE and SEARCH by sequence number must not see the expunge…
      assert.deepEqual(await b.command('b3', 'FETCH 2 (UID)'), ['* 2 FETCH (UID 2)', 'b3 OK FETCH completed']);
      assert.deepEqual(await b.command('b4', 'SEARCH ALL'), ['* SEARCH 1 2 3 4 5', 'b4 OK SEARCH completed']);
      // …a UID command may.
      assert.deepEqual(await b.command('b5', 'UID FETCH 1 (UID)'), ['* 1 FETCH (UID 1)', '* 2 EXPUNGE', 'b5 OK UID FETCH completed']);

      b.send('b6 IDLE');
      assert.equal(await b.line(), '+ idling');
      appendFileSync(home.inbox, 'From mta@example.com Mon Jan  8 10:00:00 2024\nSubject: delivered\n\nhi\n\n');
      assert.equal(await b.line(PUSH_WITHIN_MS), '* 5 EXISTS');
      assert.match((await b.line(PUSH_WITHIN_MS)) ?? '', /^\* \d RECENT$/);
      assert.match((await a.command('a6', 'APPEND INBOX {12+}\r\nSubject: x\r\n')).at(-1) ?? '', /^a6 OK \[APPENDUID \d+ 7\]/);
      assert.equal(await b.line(PUSH_WITHIN_MS), '* 6 EXISTS');
      b.send('DONE');
      assert.equal((await b.until('b6')).at(-1), 'b6 OK IDLE terminated');

      await a.command('z', 'LOGOUT');
      await b.command('z', 'LOGOUT');
      await a.closedByServer();
      await b.closedByServer();
    } finally {
      home.remove();
    }
  });

  it('serves the rest of a FETCH that meets a message the other session expunged, then NO [EXPUNGEISSUE]', async () => {
    // Found by the xinetd load test: before, the reader was served the text
    // of the messages that had moved into the old places (2 showed 3's).
    const home = new MailHome();
    home.install(FIXTURE);
    try {
      const writer = await session(home);
      const reader = await session(home);
      await writer.command('a1', 'SELECT INBOX');
      assert.match((await reader.command('b1', 'SELECT INBOX')).at(-1) ?? '', /READ-ONLY/);
      await writer.command('a2', 'STORE 2 +FLAGS.SILENT (\\Deleted)');
      assert.deepEqual(await writer.command('a3', 'EXPUNGE'), ['* 2 EXPUNGE', 'a3 OK EXPUNGE completed']);
      // Sequence numbers stay as they were until the reader may be told (RFC 3501 §7.4.1).
      const fetched = await reader.command('b2', 'FETCH 1:3 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])');
      assert.deepEqual(fetched.map((line) => /^\* (\d) FETCH .*Subject: (message \d)/s.exec(line)?.slice(1).join(' ') ?? line), [
        '1 message 1',
        '3 message 3',
        'b2 NO [EXPUNGEISSUE] Some messages were expunged by another session',
      ]);
      assert.deepEqual(await reader.command('b3', 'SEARCH SUBJECT message'), ['* SEARCH 1 3 4 5', 'b3 OK SEARCH completed']);
      assert.deepEqual(await reader.command('b4', 'NOOP'), ['* 2 EXPUNGE', 'b4 OK NOOP completed']);
      await writer.command('z', 'LOGOUT');
      await reader.command('z', 'LOGOUT');
      await writer.closedByServer();
      await reader.closedByServer();
    } finally {
      home.remove();
    }
  });

  it('ends an IDLE that outlives the autologout timer with BYE', async () => {
    const home = new MailHome({ 'imap-timeout': '1' });
    try {
      const client = await session(home);
      await client.command('a', 'SELECT INBOX');
      client.send('b IDLE');
      assert.equal(await client.line(), '+ idling');
      assert.equal(await client.line(), '* BYE Autologout; idle for too long');
      await client.closedByServer();
    } finally {
      home.remove();
    }
  });
});
