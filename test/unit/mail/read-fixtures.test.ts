// Reading mailboxes written by UW imapd 2007f and Dovecot 2.3 (the shared
// fixtures): what clients see must match what those servers served.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FIXTURES } from '../../helpers/paths';
import { scratch } from './scratch';

// UW ran in UTC; From lines without a zone are local time.
process.env.TZ = 'UTC';
const area = scratch();
after(() => area.remove());

describe('a UW-written folder', () => {
  it('hides the pseudo-message and the status headers, keeps >From and its byte', async () => {
    area.fixture('session.uw.mbox', 'uw');
    const box = await area.store.open('uw', { readOnly: true });
    assert.equal(box.count, 2);
    assert.equal(box.uidValidity, 1795801802);
    assert.equal(box.uidNext, 4);
    assert.deepEqual(box.keywords, ['Beta']);
    assert.equal(box.uid(1), 1);
    assert.equal(box.uid(2), 3);
    assert.deepEqual(box.flags(1), ['\\Seen', 'Beta']);
    assert.deepEqual(box.flags(2), ['\\Seen', '\\Flagged', '\\Draft', 'Beta']);
    // UW served these sizes (session.uw.txt); the ">" counts.
    assert.equal(box.size(1), 144);
    assert.equal(box.size(2), 119);
    const first = (await box.read(1)).toString();
    assert.equal(
      first,
      'From: Alice <alice@example.com>\r\nTo: fx@example.org\r\nSubject: first\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\nHello.\r\n>From the start of a line\r\n',
    );
    assert.equal((await box.read(2)).toString().endsWith('\r\n\r\nThird body, no final newline\r\n'), true);
    assert.equal((await box.readHeader(1)).toString(), first.slice(0, first.indexOf('\r\n\r\n') + 4));
    assert.equal(box.isRecent(1), false);
    assert.equal(box.internalDate(1).toISOString(), '2024-01-01T10:00:00.000Z');
    await box.close({ expunge: false });
  });
});

describe('a Dovecot-written folder', () => {
  it('reads X-IMAPbase in the first message and hides Content-Length', async () => {
    area.fixture('session.dovecot.mbox', 'dovecot');
    const box = await area.store.open('dovecot', { readOnly: true });
    assert.equal(box.count, 2);
    assert.equal(box.uidValidity, 1795801802);
    assert.equal(box.uidNext, 4);
    assert.deepEqual(box.keywords, ['Alpha', '$Junk', 'Beta']);
    assert.deepEqual(box.flags(1), ['\\Seen', 'Alpha', 'Beta']);
    assert.deepEqual(box.flags(2), ['\\Seen', '\\Flagged', '\\Draft', '$Junk', 'Beta']);
    // Dovecot served 143 and 119 (session.dovecot.txt): no quoting in its file.
    assert.equal(box.size(1), 143);
    assert.equal(box.size(2), 119);
    assert.doesNotMatch((await box.read(1)).toString(), /Content-Length|X-IMAPbase|X-UID|Status/);
    await box.close({ expunge: false });
  });
});

describe('the MIME corpus as UW served it', () => {
  it('has UW\'s UIDs, RFC822.SIZE and INTERNALDATE for all 68 messages', async () => {
    area.write('corpus', readFileSync(join(FIXTURES, 'corpus.mbox')));
    const expected = [...readFileSync(join(FIXTURES, 'corpus.uw.fetch.txt'), 'latin1').matchAll(
      /^\* (\d+) FETCH \(UID (\d+) RFC822\.SIZE (\d+) INTERNALDATE "([^"]+)"/gm,
    )].map((match) => ({ seq: Number(match[1]), uid: Number(match[2]), size: Number(match[3]), date: match[4] ?? '' }));
    assert.equal(expected.length, 68);
    const box = await area.store.open('corpus', { readOnly: true });
    assert.equal(box.count, 68);
    for (const { seq, uid, size, date } of expected) {
      assert.equal(box.uid(seq), uid, `UID of ${seq}`);
      assert.equal(box.size(seq), size, `RFC822.SIZE of ${seq}`);
      assert.equal((await box.read(seq)).length, size, `bytes of ${seq}`);
      assert.equal(box.internalDate(seq).getTime(), Date.parse(date.trim().replace(/-/g, ' ')), `INTERNALDATE of ${seq}`);
      assert.equal(box.isRecent(seq), true);
    }
    await box.close({ expunge: false });
  });
});
