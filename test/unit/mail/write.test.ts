// Writing the way UW does: the fixture session (session.imap) replayed
// through the store must leave a file laid out like session.uw.mbox and
// serve what UW served.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { FIXTURES } from '../../helpers/paths';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recorder, scratch, snapshot } from './scratch';

const area = scratch();
after(() => area.remove());

const literal = (text: string): Buffer => Buffer.from(text.replace(/\n/g, '\r\n'));
const first = literal('From: Alice <alice@example.com>\nTo: fx@example.org\nSubject: first\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n\nHello.\nFrom the start of a line\n');
const second = literal('From: Bob <bob@example.com>\nSubject: second\nDate: Mon, 1 Jan 2024 11:00:00 +0000\nStatus: RO\nX-UID: 999\n\nSecond body.\n');
const third = literal('From: Carol <carol@example.com>\nSubject: third\nDate: Mon, 1 Jan 2024 12:00:00 +0000\n\nThird body, no final newline');

/** The file with the parts that differ run to run (dates, UIDVALIDITY, host, user) made uniform. */
function normalise(text: string): string {
  return text
    .replace(/^From \S+ .*$/gm, 'From SENDER DATE')
    .replace(/^Date: \d+ \w+ \d{4} .*$/m, 'Date: PSEUDO')
    .replace(/^From: Mail System Internal Data <MAILER-DAEMON@\S+>$/m, 'From: Mail System Internal Data <MAILER-DAEMON@HOST>')
    .replace(/^Message-ID: <\d+@\S+>$/m, 'Message-ID: <PSEUDO>')
    .replace(/^X-IMAP: \d+ (\d+)(.*?) *$/m, 'X-IMAP: VALIDITY $1$2');
}

describe('the fixture session, replayed', () => {
  it('appends, stores flags, expunges and leaves UW\'s file', async () => {
    const store = area.store;
    await store.create('Demo');
    const a = await store.append('Demo', [{ data: first, flags: ['\\Seen', 'Alpha'], internalDate: new Date('2024-01-01T10:00:00Z') }]);
    const b = await store.append('Demo', [{ data: second, flags: [] }]);
    const c = await store.append('Demo', [{ data: third, flags: ['\\Draft', '$Junk'] }]);
    assert.deepEqual([a.uids, b.uids, c.uids], [[1], [2], [3]]);
    assert.equal(a.uidValidity, c.uidValidity);

    const box = await store.open('Demo', { readOnly: false });
    assert.equal(box.readOnly, false);
    assert.equal(box.count, 3);
    assert.deepEqual([1, 2, 3].map((seq) => box.isRecent(seq)), [true, true, true]);
    assert.deepEqual(box.setFlags([1, 2, 3], 'add', ['Beta']), [1, 2, 3]);
    assert.deepEqual(box.setFlags([2], 'add', ['\\Deleted', '\\Answered']), [2]);
    assert.deepEqual(box.setFlags([3], 'add', ['\\Flagged']), [3]);
    assert.deepEqual(box.setFlags([3], 'add', ['\\Flagged']), []);
    // UW served 144, 146, 119: ">From" counts, and spoofed headers were renamed.
    assert.deepEqual([1, 2, 3].map((seq) => box.size(seq)), [144, 146, 119]);
    const served = (await box.read(2)).toString();
    assert.match(served, /\r\nX-Original-Status: RO\r\nX-Original-X-UID: 999\r\n/);
    assert.equal((await box.read(1)).toString().includes('\r\n>From the start of a line\r\n'), true);
    assert.equal((await box.read(3)).toString().endsWith('no final newline\r\n'), true);
    box.setFlags([2, 3], 'add', ['\\Seen']);
    const events = recorder();
    box.setListener(events.listener);
    await box.expunge();
    assert.deepEqual(events.events, ['expunged 2']);
    assert.deepEqual([box.uid(1), box.uid(2)], [1, 3]);
    await box.close({ expunge: false });

    const ours = normalise(area.read('Demo').toString('latin1'));
    const theirs = normalise(readFileSync(join(FIXTURES, 'session.uw.mbox'), 'latin1'));
    // UW refused the unknown keywords Alpha and $Junk; we keep them (as Dovecot does).
    const ourWithoutKeywords = ours
      .replace(/^X-IMAP: VALIDITY (\d+) Alpha \$Junk Beta$/m, 'X-IMAP: VALIDITY $1 Beta')
      .replace(/^X-Keywords: Alpha Beta {6}$/m, 'X-Keywords: Beta            ')
      .replace(/^X-Keywords: \$Junk Beta {4}$/m, 'X-Keywords: Beta          ');
    assert.equal(ourWithoutKeywords, theirs);
  });

  it('reopens with the same messages, flags and UIDs', async () => {
    const box = await area.store.open('Demo', { readOnly: true });
    assert.deepEqual([box.uid(1), box.uid(2)], [1, 3]);
    assert.deepEqual(box.flags(1), ['\\Seen', 'Alpha', 'Beta']);
    assert.deepEqual(box.flags(2), ['\\Seen', '\\Flagged', '\\Draft', '$Junk', 'Beta']);
    assert.equal(box.isRecent(1), false);
    assert.equal(box.uidNext, 4);
    await box.close({ expunge: false });
  });
});

describe('checkpoints', () => {
  it('write flag changes in place when the padding allows', async () => {
    const store = area.store;
    await store.create('InPlace');
    await store.append('InPlace', [1, 2, 3].map((n) => ({ data: literal(`Subject: ${n}\n\nbody ${n}\n`), flags: [] })));
    const open = await store.open('InPlace', { readOnly: false });
    await open.checkpoint(); // takes \Recent over: writes O
    const size = area.read('InPlace').length;
    open.setFlags([2], 'add', ['\\Seen', '\\Flagged', '\\Answered', 'Work', 'Later']);
    const before = await snapshot(open);
    await open.close({ expunge: false });
    assert.equal(area.read('InPlace').length, size, 'file size unchanged');
    const again = await store.open('InPlace', { readOnly: true });
    assert.deepEqual(await snapshot(again), before);
    assert.equal(again.isRecent(1), false);
    await again.close({ expunge: false });
  });

  it('rewrite the tail when a status block outgrows its padding', async () => {
    const store = area.store;
    const open = await store.open('InPlace', { readOnly: false });
    const many = Array.from({ length: 12 }, (_, n) => `Keyword${n}`);
    open.setFlags([1], 'add', many);
    const before = await snapshot(open);
    await open.checkpoint();
    assert.deepEqual(await snapshot(open), before);
    await open.close({ expunge: false });
    const again = await store.open('InPlace', { readOnly: true });
    assert.deepEqual(await snapshot(again), before);
    await again.close({ expunge: false });
  });
});

describe('a Dovecot-written folder, changed by us', () => {
  it('keeps UIDs, keywords and flags, and stays readable', async () => {
    area.fixture('session.dovecot.mbox', 'fromDovecot');
    const box = await area.store.open('fromDovecot', { readOnly: false });
    const before = await snapshot(box);
    box.setFlags([1], 'add', ['\\Answered', 'NewWord']);
    box.setFlags([2], 'remove', ['$Junk']);
    const changed = await snapshot(box);
    assert.notDeepEqual(changed, before);
    await box.close({ expunge: false });
    const text = area.read('fromDovecot').toString('latin1');
    // The base stays where Dovecot put it (rewritten in place) and Content-Length is gone or intact.
    assert.match(text, /^X-IMAPbase: 1795801802 0000000003 Alpha \$Junk Beta NewWord/m);
    const again = await area.store.open('fromDovecot', { readOnly: true });
    assert.deepEqual(await snapshot(again), changed);
    assert.equal(again.uidValidity, 1795801802);
    await again.close({ expunge: false });
  });
});
