// A read-only session reading between polls while the read-write session
// rewrites the file (found by the xinetd load test): the old positions may
// now hold another message, so a read must catch up first and serve the
// right message, report an expunged one as gone, and keep the other
// session's flag changes for the next poll.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { isMailError } from '../../../lib/mail/errors';
import { message, recorder, scratch } from './scratch';

const area = scratch();
after(() => area.remove());

describe('reading after another session rewrote the file', () => {
  it('serves each message from its new place, and an expunged one as gone', async () => {
    await area.store.create('Shift');
    const texts = ['one', 'two', 'three', 'four'].map((subject) => message(subject, `Body of ${subject}.\r\n`.repeat(20)));
    await area.store.append('Shift', texts.map((data) => ({ data, flags: [] })));
    // A first read-write session takes the new mail over (writes its O status).
    await (await area.store.open('Shift', { readOnly: false })).close({ expunge: false });
    const writer = await area.store.open('Shift', { readOnly: false });
    const reader = await area.another().open('Shift', { readOnly: true });
    const events = recorder();
    reader.setListener(events.listener);

    writer.setFlags([2], 'add', ['\\Deleted']);
    writer.setFlags([4], 'add', ['\\Flagged']);
    await writer.expunge();

    // No poll in between, as within one FETCH of the reader's client.
    await assert.rejects(reader.read(2), (error) => isMailError(error) && error.kind === 'expunged');
    assert.deepEqual(await reader.read(3), texts[2]);
    assert.deepEqual(await reader.read(4), texts[3]);
    assert.deepEqual(await reader.read(1), texts[0]);
    await reader.poll({ allowExpunge: true });
    assert.deepEqual(events.events, ['flags 4', 'expunged 2']);
    assert.deepEqual(reader.flags(3), ['\\Flagged']);
    await reader.close({ expunge: false });
    await writer.close({ expunge: false });
  });
});

describe('mail appended and partly expunged by others between two polls', () => {
  it('keeps the UIDs the appends reported', async () => {
    await area.store.create('Tail');
    await area.store.append('Tail', [{ data: message('first'), flags: [] }]);
    const writer = await area.store.open('Tail', { readOnly: false });
    const reader = await area.another().open('Tail', { readOnly: true });
    const appended = await area.another().append('Tail', [{ data: message('gone soon'), flags: [] }]);
    const kept = await area.another().append('Tail', [{ data: message('kept'), flags: [] }]);
    await writer.poll({ allowExpunge: true });
    const gone = writer.seqOfUid(appended.uids[0] ?? 0) ?? 0;
    writer.setFlags([gone], 'add', ['\\Deleted']);
    await writer.expunge();

    await reader.poll({ allowExpunge: true });
    assert.equal(reader.count, 2);
    assert.equal(reader.uid(2), kept.uids[0]);
    assert.deepEqual(await reader.read(2), message('kept'));
    await reader.close({ expunge: false });
    await writer.close({ expunge: false });
  });
});

describe('COPY into the same mailbox after another session rewrote it', () => {
  it('answers "try again" instead of waiting for its own lock, and works after a poll', { timeout: 30_000 }, async () => {
    await area.store.create('Self');
    await area.store.append('Self', ['a', 'b', 'c'].map((subject) => ({ data: message(subject), flags: [] })));
    const writer = await area.store.open('Self', { readOnly: false });
    const reader = await area.another().open('Self', { readOnly: true });
    writer.setFlags([1], 'add', ['\\Deleted']);
    await writer.expunge();
    await assert.rejects(reader.copy([3], 'Self'), (error) => isMailError(error) && error.kind === 'temporary');
    await reader.poll({ allowExpunge: true });
    const copied = await reader.copy([2], 'Self');
    assert.equal(copied.destinationUids.length, 1);
    await reader.poll({ allowExpunge: true });
    assert.deepEqual(await reader.read(3), message('c'));
    await reader.close({ expunge: false });
    await writer.close({ expunge: false });
  });
});
