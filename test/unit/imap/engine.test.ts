// The engine end to end over the FakeStore: dispatcher rules (states, BAD
// limits, literals, when updates may be sent) and every command it owns.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeStore } from './fake-store';
import { message, startEngine } from './harness';

function storeWith(count: number): FakeStore {
  const store = new FakeStore();
  for (let index = 1; index <= count; index++) store.stored('INBOX').add({ data: message(`m${index}`), flags: [] });
  return store;
}

describe('dispatcher', () => {
  it('answers unknown commands, wrong states and bad arguments with BAD', async () => {
    const { client } = startEngine();
    assert.deepEqual(await client.command('a', 'FROB'), ['a BAD Command unrecognized: FROB']);
    assert.deepEqual(await client.command('b', 'UID FROB 1'), ['b BAD Command unrecognized: UID FROB']);
    assert.deepEqual(await client.command('c', 'EXPUNGE'), ['c BAD EXPUNGE: No mailbox selected']);
    assert.deepEqual(await client.command('d', 'LOGIN a b'), ['d BAD LOGIN: Already logged in']);
    assert.deepEqual(await client.command('e', 'SELECT'), ['e BAD SELECT: Expected space at end of command']);
    assert.deepEqual(await client.command('f', 'NOOP extra'), ['f BAD NOOP: Unexpected extra arguments at " extra"']);
    client.send('');
    assert.deepEqual(await client.until('*'), ['* BAD Missing or invalid tag']);
  });

  it('before login allows only the login commands, and ends repeated garbage with BYE', async () => {
    const { client, finished } = startEngine({ authenticated: false });
    assert.deepEqual(await client.command('a', 'SELECT INBOX'), ['a BAD SELECT: Please log in first']);
    assert.deepEqual(await client.command('b', 'NOOP'), ['b OK NOOP completed']);
    for (const tag of ['c', 'd', 'e']) await client.command(tag, 'GET / HTTP/1.1');
    assert.deepEqual(await client.command('f', 'GET /'), ['f BAD Command unrecognized: GET']);
    await finished;
  });

  it('ends the session after ten consecutive BADs once logged in', async () => {
    const { client, session, finished } = startEngine();
    for (let index = 0; index < 9; index++) await client.command(`t${index}`, 'BOGUS');
    assert.equal(session.pendingFarewell, undefined);
    await client.command('x', 'NOOP');
    for (let index = 0; index < 10; index++) await client.command(`u${index}`, 'BOGUS');
    await finished;
    assert.equal(session.pendingFarewell, 'Too many invalid commands');
  });

  it('refuses a literal over the limit before the continuation, NO [TOOBIG] for APPEND; ends the session on an over-long line', async () => {
    const { client, session, finished } = startEngine({ overrides: ['max-literal=100', 'max-line=200'] });
    client.send('a APPEND INBOX {101}');
    assert.deepEqual(await client.until('a'), ['a NO [TOOBIG] Message too large']);
    client.send('b LOGIN {300}');
    assert.deepEqual(await client.until('b'), ['b BAD Literal too large']);
    assert.deepEqual(await client.command('d', 'NOOP'), ['d OK NOOP completed']);
    client.send(`c NOOP ${'x'.repeat(300)}`);
    assert.deepEqual(await client.until('c'), ['c BAD Command line too long']);
    await finished;
    assert.equal(session.pendingFarewell, 'Command line too long');
  });

  it('handles synchronising and non-synchronising literals', async () => {
    const { client } = startEngine();
    client.send('a CREATE {3}');
    assert.equal(await client.line(), '+ Ready for argument');
    client.send('Foo');
    assert.deepEqual(await client.until('a'), ['a OK CREATE completed']);
    client.send('b CREATE {3+}\r\nBar');
    assert.deepEqual(await client.until('b'), ['b OK CREATE completed']);
  });
});

describe('mailbox commands', () => {
  it('CREATE, LIST, RENAME, DELETE, SUBSCRIBE, LSUB, STATUS, NAMESPACE', async () => {
    const { client } = startEngine();
    assert.deepEqual(await client.command('a', 'CREATE Work'), ['a OK CREATE completed']);
    assert.deepEqual(await client.command('b', 'CREATE Work'), ['b NO [ALREADYEXISTS] Mailbox already exists']);
    assert.deepEqual(await client.command('c', 'LIST "" *'), ['* LIST (\\HasNoChildren) "/" INBOX', '* LIST (\\HasNoChildren) "/" Work', 'c OK LIST completed']);
    assert.deepEqual(await client.command('d', 'LIST "" ""'), ['* LIST (\\Noselect) "/" ""', 'd OK LIST completed']);
    assert.deepEqual(await client.command('e', 'RENAME Work "Old work"'), ['e OK RENAME completed']);
    assert.deepEqual(await client.command('f', 'SUBSCRIBE "Old work"'), ['f OK SUBSCRIBE completed']);
    assert.deepEqual(await client.command('g', 'LSUB "" %'), ['* LSUB (\\HasNoChildren) "/" "Old work"', 'g OK LSUB completed']);
    assert.deepEqual(await client.command('h', 'STATUS "Old work" (MESSAGES UIDNEXT UIDVALIDITY UNSEEN RECENT)'), [
      '* STATUS "Old work" (MESSAGES 0 UIDNEXT 1 UIDVALIDITY 2000 UNSEEN 0 RECENT 0)',
      'h OK STATUS completed',
    ]);
    assert.deepEqual(await client.command('i', 'STATUS INBOX (BOGUS)'), ['i BAD STATUS: Unknown status item BOGUS']);
    assert.deepEqual(await client.command('j', 'DELETE "Old work"'), ['j OK DELETE completed']);
    assert.deepEqual(await client.command('k', 'DELETE nothing'), ['k NO [NONEXISTENT] Mailbox nothing does not exist']);
    assert.deepEqual(await client.command('l', 'DELETE inbox'), ['l NO [CANNOT] Cannot delete INBOX']);
    assert.deepEqual(await client.command('m', 'NAMESPACE'), ['* NAMESPACE (("" "/")) NIL NIL', 'm OK NAMESPACE completed']);
    assert.deepEqual(await client.command('n', 'UNSUBSCRIBE "Old work"'), ['n OK UNSUBSCRIBE completed']);
  });

  it('APPEND with flags, date and MULTIAPPEND, answering APPENDUID or TRYCREATE', async () => {
    const store = new FakeStore();
    const { client } = startEngine({ store });
    const one = message('one');
    client.send(`a APPEND INBOX (\\seen Work) "01-Jan-2024 10:00:00 +0100" {${one.length}}`);
    assert.equal(await client.line(), '+ Ready for argument');
    client.send(one);
    client.send('');
    assert.deepEqual(await client.until('a'), ['a OK [APPENDUID 1000 1] APPEND completed']);
    const stored = store.stored('INBOX').messages[0];
    assert.deepEqual([...(stored?.flags ?? [])], ['\\Seen', 'Work']);
    assert.equal(stored?.internalDate.toISOString(), '2024-01-01T09:00:00.000Z');
    assert.deepEqual(await client.command('b', ''), ['b BAD Missing command']);
    client.send(`c APPEND INBOX {${one.length}+}\r\n${one.toString()} () {${one.length}+}\r\n${one.toString()}`);
    assert.deepEqual(await client.until('c'), ['c OK [APPENDUID 1000 2:3] APPEND completed']);
    client.send(`d APPEND Nowhere {${one.length}+}\r\n${one.toString()}`);
    assert.deepEqual(await client.until('d'), ['d NO [TRYCREATE] Mailbox Nowhere does not exist']);
    client.send(`e APPEND INBOX (\\Recent) {${one.length}+}\r\n${one.toString()}`);
    assert.deepEqual(await client.until('e'), ['e BAD Invalid system flag \\Recent']);
    client.send('f APPEND INBOX {0+}\r\n');
    assert.deepEqual(await client.until('f'), ['f NO Empty message']);
    client.send('g APPEND INBOX "bad date" {1+}\r\nx');
    assert.deepEqual(await client.until('g'), ['g BAD APPEND: Invalid date-time at ""bad date" {1+}?"']);
  });

  it('SELECT and EXAMINE give UW\'s responses', async () => {
    const store = storeWith(3);
    store.stored('INBOX').messages[0]?.flags.add('\\Seen');
    const { client } = startEngine({ store });
    assert.deepEqual(await client.command('a', 'SELECT inbox'), [
      '* 3 EXISTS',
      '* 3 RECENT',
      '* OK [UIDVALIDITY 1000] UID validity status',
      '* OK [UIDNEXT 4] Predicted next UID',
      '* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft)',
      '* OK [PERMANENTFLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft \\*)] Permanent flags',
      '* OK [UNSEEN 2] First unseen message',
      'a OK [READ-WRITE] SELECT completed',
    ]);
    const examined = await client.command('b', 'EXAMINE INBOX');
    assert.equal(examined.at(-1), 'b OK [READ-ONLY] EXAMINE completed');
    assert.ok(examined.includes('* OK [PERMANENTFLAGS ()] No permanent flags permitted'));
    assert.deepEqual(await client.command('c', 'SELECT nothing'), ['c NO [NONEXISTENT] Mailbox nothing does not exist']);
    assert.deepEqual(await client.command('d', 'CHECK'), ['d BAD CHECK: No mailbox selected']);
  });
});

describe('message commands', () => {
  it('STORE answers with FETCH FLAGS (UID for UID STORE), .SILENT answers nothing', async () => {
    const { client } = startEngine({ store: storeWith(3) });
    await client.command('s', 'SELECT INBOX');
    assert.deepEqual(await client.command('a', 'STORE 1:2 +FLAGS (\\Seen)'), [
      '* 1 FETCH (FLAGS (\\Recent \\Seen))',
      '* 2 FETCH (FLAGS (\\Recent \\Seen))',
      'a OK STORE completed',
    ]);
    assert.deepEqual(await client.command('b', 'UID STORE 3 FLAGS.SILENT (\\Flagged)'), ['b OK UID STORE completed']);
    assert.deepEqual(await client.command('c', 'UID STORE 2:3 -FLAGS \\Seen'), [
      '* 2 FETCH (UID 2 FLAGS (\\Recent))',
      '* 3 FETCH (UID 3 FLAGS (\\Recent \\Flagged))',
      'c OK UID STORE completed',
    ]);
    const keyword = await client.command('d', 'STORE 1 +FLAGS (Work)');
    assert.deepEqual(keyword, [
      '* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft Work)',
      '* OK [PERMANENTFLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft Work \\*)] Permanent flags',
      '* 1 FETCH (FLAGS (\\Recent \\Seen Work))',
      'd OK STORE completed',
    ]);
    assert.deepEqual(await client.command('e', 'STORE 4 +FLAGS (\\Seen)'), ['e BAD Invalid message sequence number']);
    assert.deepEqual(await client.command('f', 'STORE 1 +FLAGZ (\\Seen)'), ['f BAD STORE: Invalid STORE item +FLAGZ']);
    assert.deepEqual(await client.command('g', 'STORE 1 +FLAGS (\\Bogus)'), ['g BAD Invalid system flag \\Bogus']);
    assert.deepEqual(await client.command('h', 'UID STORE 99 +FLAGS (\\Seen)'), ['h OK UID STORE completed']);
  });

  it('EXPUNGE, UID EXPUNGE, CLOSE and UNSELECT', async () => {
    const store = storeWith(5);
    const { client } = startEngine({ store });
    await client.command('s', 'SELECT INBOX');
    await client.command('a', 'STORE 1,2,4 +FLAGS.SILENT (\\Deleted)');
    assert.deepEqual(await client.command('b', 'UID EXPUNGE 2:4'), ['* 4 EXPUNGE', '* 2 EXPUNGE', '* 3 RECENT', 'b OK UID EXPUNGE completed']);
    assert.deepEqual(await client.command('c', 'EXPUNGE'), ['* 1 EXPUNGE', '* 2 RECENT', 'c OK EXPUNGE completed']);
    await client.command('d', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
    assert.deepEqual(await client.command('e', 'UNSELECT'), ['e OK UNSELECT completed']);
    assert.equal(store.stored('INBOX').messages.length, 2);
    await client.command('f', 'SELECT INBOX');
    assert.deepEqual(await client.command('g', 'CLOSE'), ['g OK CLOSE completed']);
    assert.equal(store.stored('INBOX').messages.length, 1);
    await client.command('h', 'EXAMINE INBOX');
    assert.deepEqual(await client.command('i', 'EXPUNGE'), ['i NO Mailbox is read-only']);
  });

  it('COPY and MOVE with COPYUID, TRYCREATE for a missing destination', async () => {
    const store = storeWith(4);
    await store.create('Archive');
    const { client } = startEngine({ store });
    await client.command('s', 'SELECT INBOX');
    assert.deepEqual(await client.command('a', 'COPY 1:2 Archive'), ['a OK [COPYUID 2000 1:2 1:2] COPY completed']);
    assert.deepEqual(await client.command('b', 'UID COPY 4,3 Archive'), ['b OK [COPYUID 2000 3:4 3:4] UID COPY completed']);
    assert.deepEqual(await client.command('c', 'COPY 1 Nowhere'), ['c NO [TRYCREATE] Mailbox Nowhere does not exist']);
    assert.deepEqual(await client.command('d', 'MOVE 2:3 Archive'), [
      '* OK [COPYUID 2000 2:3 5:6] Moved',
      '* 3 EXPUNGE',
      '* 2 EXPUNGE',
      '* 2 RECENT',
      'd OK MOVE completed',
    ]);
    assert.deepEqual(await client.command('e', 'UID MOVE 4 Archive'), ['* OK [COPYUID 2000 4 7] Moved', '* 2 EXPUNGE', '* 1 RECENT', 'e OK UID MOVE completed']);
    assert.equal(store.stored('Archive').messages.length, 7);
    assert.deepEqual(await client.command('f', 'UID MOVE 99 Archive'), ['f OK UID MOVE completed']);
  });
});

describe('two sessions on one mailbox', () => {
  it('sees new mail, flag changes and expunges only where RFC 3501 allows', async () => {
    const store = storeWith(3);
    const one = startEngine({ store }).client;
    const two = startEngine({ store }).client;
    await one.command('a', 'SELECT INBOX');
    const selectTwo = await two.command('a', 'SELECT INBOX');
    assert.ok(selectTwo.includes('* 0 RECENT'), 'recent belongs to the first session');

    await one.command('b', 'STORE 2 +FLAGS.SILENT (\\Flagged)');
    assert.deepEqual(await two.command('b', 'NOOP'), ['* 2 FETCH (FLAGS (\\Flagged))', 'b OK NOOP completed']);
    assert.deepEqual(await two.command('b2', 'UID STORE 1 +FLAGS.SILENT (\\Seen)'), ['b2 OK UID STORE completed']);
    assert.deepEqual(await one.command('b3', 'UID STORE 3 +FLAGS.SILENT (\\Answered)'), ['* 1 FETCH (UID 1 FLAGS (\\Recent \\Seen))', 'b3 OK UID STORE completed']);

    store.stored('INBOX').add({ data: message('new'), flags: [] });
    assert.deepEqual(await one.command('c', 'NOOP'), ['* 4 EXISTS', '* 4 RECENT', 'c OK NOOP completed']);
    assert.deepEqual(await two.command('c', 'NOOP'), ['* 4 EXISTS', '* 0 RECENT', '* 3 FETCH (FLAGS (\\Answered))', 'c OK NOOP completed']);

    await one.command('d', 'STORE 1 +FLAGS.SILENT (\\Deleted)');
    await one.command('e', 'EXPUNGE');
    // STORE by sequence number must not see the expunge; a UID command may.
    assert.deepEqual(await two.command('d', 'STORE 4 +FLAGS.SILENT (\\Seen)'), ['* 1 FETCH (FLAGS (\\Seen \\Deleted))', 'd OK STORE completed']);
    assert.deepEqual(await two.command('e', 'UID STORE 4 +FLAGS.SILENT (\\Seen)'), ['* 1 EXPUNGE', 'e OK UID STORE completed']);
  });

  it('IDLE pushes changes at once and ends with DONE', async () => {
    const store = storeWith(1);
    const { client } = startEngine({ store });
    await client.command('a', 'SELECT INBOX');
    client.send('b IDLE');
    assert.equal(await client.line(), '+ idling');
    store.stored('INBOX').add({ data: message('pushed'), flags: [] });
    assert.equal(await client.line(), '* 2 EXISTS');
    assert.equal(await client.line(), '* 2 RECENT');
    client.send('DONE');
    assert.deepEqual(await client.until('b'), ['b OK IDLE terminated']);
    client.send('c IDLE');
    await client.line();
    client.send('NOT DONE');
    assert.deepEqual(await client.until('c'), ['c BAD Expected DONE']);
  });
});

describe('session commands', () => {
  it('CAPABILITY lists what the table implements', async () => {
    const { client } = startEngine({ authenticated: false });
    const [caps] = await client.command('a', 'CAPABILITY');
    assert.match(caps ?? '', /^\* CAPABILITY IMAP4rev1 LITERAL\+ SASL-IR IDLE UIDPLUS NAMESPACE CHILDREN UNSELECT .*MULTIAPPEND .*ENABLE MOVE AUTH=PLAIN AUTH=LOGIN$/);
    assert.doesNotMatch(caps ?? '', / ID /, 'ID is refused before login, so not offered');
    assert.deepEqual(await client.command('b', 'ID NIL'), ['b BAD ID: Please log in first']);
    assert.doesNotMatch(caps ?? '', /STARTTLS|LOGINDISABLED/, 'pipes are private and there is no certificate');
  });

  it('ID, ENABLE, LOGOUT', async () => {
    const { client, finished } = startEngine();
    assert.deepEqual((await client.command('a', 'ID ("name" "test" "version" NIL)')).at(-1), 'a OK ID completed');
    assert.match((await client.command('b', 'ID NIL'))[0] ?? '', /^\* ID \("name" "imap-uw-ts" "version" "[^"]+" "vendor" "imap-uw-ts"\)$/);
    assert.deepEqual(await client.command('c', 'ENABLE CONDSTORE UTF8=ACCEPT'), ['* ENABLED', 'c OK ENABLE completed']);
    const bye = await client.command('d', 'LOGOUT');
    assert.match(bye[0] ?? '', /^\* BYE .* IMAP4rev1 server terminating connection$/);
    assert.equal(bye[1], 'd OK LOGOUT completed');
    await finished;
  });
});
