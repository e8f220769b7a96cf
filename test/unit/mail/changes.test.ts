// New mail and outside changes: growth is parsed and announced; other
// changes are matched by UID; one read-write session per mailbox.
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { isMailError } from '../../../lib/mail/errors';
import { message, recorder, scratch, snapshot } from './scratch';

const area = scratch();
after(() => area.remove());

const delivery = (n: number): string =>
  `From sender@example.com Mon Jan  1 10:00:${String(n % 60).padStart(2, '0')} 2024\nSubject: delivery ${n}\n\nbody ${n}\nFrom here on, a body line.\n\n`;

describe('new mail in the spool', () => {
  it('is announced by poll, numbered in order and numbered for good', async () => {
    writeFileSync(area.inbox, delivery(1) + delivery(2), { mode: 0o600 });
    const box = await area.store.open('INBOX', { readOnly: false });
    const events = recorder();
    box.setListener(events.listener);
    assert.equal(box.count, 2);
    assert.deepEqual([box.uid(1), box.uid(2)], [1, 2]);
    appendFileSync(area.inbox, delivery(3));
    await box.poll({ allowExpunge: true });
    assert.deepEqual(events.events, ['exists 3']);
    assert.equal(box.uid(3), 3);
    assert.equal(box.isRecent(3), true);
    const seen = await snapshot(box);
    await box.close({ expunge: false });
    // The UIDs were written: another session agrees and nothing is recent any more.
    const again = await area.another().open('INBOX', { readOnly: true });
    assert.deepEqual(await snapshot(again), seen);
    assert.equal(again.uidValidity, box.uidValidity);
    assert.deepEqual([1, 2, 3].map((seq) => again.isRecent(seq)), [false, false, false]);
    await again.close({ expunge: false });
  });
});

describe('one read-write session per mailbox', () => {
  it('gives a second session the mailbox read-only, or refuses an exclusive one', async () => {
    const first = await area.store.open('INBOX', { readOnly: false });
    const second = await area.another().open('INBOX', { readOnly: false });
    assert.equal(first.readOnly, false);
    assert.equal(second.readOnly, true);
    await assert.rejects(area.another().open('INBOX', { readOnly: false, exclusive: true }), (error) => isMailError(error) && error.kind === 'in-use');
    assert.throws(() => second.setFlags([1], 'add', ['\\Seen']), (error) => isMailError(error) && error.kind === 'read-only');
    await second.close({ expunge: false });
    await first.close({ expunge: false });
    const third = await area.another().open('INBOX', { readOnly: false, exclusive: true });
    assert.equal(third.readOnly, false);
    await third.close({ expunge: false });
  });

  it('lets the read-only session see the other one\'s flag changes and expunges', async () => {
    const writer = await area.store.open('INBOX', { readOnly: false });
    const reader = await area.another().open('INBOX', { readOnly: false });
    const events = recorder();
    reader.setListener(events.listener);
    writer.setFlags([1], 'add', ['\\Flagged']);
    writer.setFlags([2], 'add', ['\\Deleted']);
    await writer.expunge();
    await reader.poll({ allowExpunge: false });
    assert.deepEqual(events.events, ['flags 1']);
    assert.equal(reader.count, 3);
    await assert.rejects(reader.read(2), (error) => isMailError(error) && error.kind === 'expunged');
    await reader.poll({ allowExpunge: true });
    assert.deepEqual(events.events, ['flags 1', 'expunged 2']);
    assert.deepEqual(await snapshot(reader), await snapshot(writer));
    await reader.close({ expunge: false });
    await writer.close({ expunge: false });
  });
});

describe('appending to the selected mailbox', () => {
  it('shows up at the next poll with the UID APPEND reported', async () => {
    await area.store.create('Sent');
    const box = await area.store.open('Sent', { readOnly: false });
    const events = recorder();
    box.setListener(events.listener);
    const result = await area.store.append('Sent', [{ data: message('copy'), flags: ['\\Seen'] }]);
    await box.poll({ allowExpunge: true });
    assert.deepEqual(events.events, ['exists 1']);
    assert.equal(box.uidValidity, result.uidValidity);
    assert.deepEqual([box.uid(1)], result.uids);
    const copied = await box.copy([1, 1], 'Sent');
    assert.equal(copied.destinationUids.length, 2);
    await box.poll({ allowExpunge: true });
    assert.equal(box.count, 3);
    assert.deepEqual([box.uid(2), box.uid(3)], copied.destinationUids);
    assert.deepEqual(box.flags(3), ['\\Seen']);
    await box.close({ expunge: false });
  });
});

describe('a mailbox replaced behind our back', () => {
  it('is lost rather than guessed at', async () => {
    await area.store.create('Gone');
    await area.store.append('Gone', [{ data: message('one'), flags: [] }]);
    const box = await area.store.open('Gone', { readOnly: false });
    writeFileSync(area.file('Gone.new'), delivery(9));
    const { renameSync } = await import('node:fs');
    renameSync(area.file('Gone.new'), area.file('Gone'));
    await assert.rejects(box.poll({ allowExpunge: true }), (error) => isMailError(error) && error.kind === 'nonexistent');
    await box.close({ expunge: false });
  });

  it('is lost when its UIDVALIDITY changes', async () => {
    await area.store.create('Reset');
    await area.store.append('Reset', [{ data: message('one'), flags: [] }]);
    const box = await area.store.open('Reset', { readOnly: true });
    writeFileSync(area.file('Reset'), delivery(1) + delivery(2));
    await assert.rejects(box.poll({ allowExpunge: true }), (error) => isMailError(error) && error.kind === 'corrupt');
    await box.close({ expunge: false });
  });
});
