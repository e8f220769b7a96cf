// The store: names and the mail area, LIST/LSUB, CREATE/DELETE/RENAME,
// subscriptions, STATUS, and UW's ~/mbox rule.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { isMailError, type MailErrorKind } from '../../../lib/mail/errors';
import { message, scratch, snapshot } from './scratch';

const area = scratch();
after(() => area.remove());

function fails(kind: MailErrorKind): (error: unknown) => boolean {
  return (error) => isMailError(error) && error.kind === kind;
}

describe('hostile names', () => {
  const refused: Array<[string, string]> = [
    ['parent level', '../etc/passwd'],
    ['parent level inside', 'a/../../x'],
    ['absolute path', '/etc/passwd'],
    ['other user', '~root/x'],
    ['own home by tilde', '~/x'],
    ['dot-file', '.ssh/authorized_keys'],
    ['hidden level', 'a/.hidden'],
    ['NUL', 'a\u0000b'],
    ['control character', 'a\nb'],
    ['DEL', 'a\u007fb'],
    ['invalid modified UTF-7', 'caf&AOk'],
    ['8-bit name', 'caf\u00e9'],
    ['overlong name', 'x'.repeat(1025)],
    ['overlong level', 'y'.repeat(256)],
    ['empty level', 'a//b'],
    ['lock file', 'Sent.lock'],
    ['empty name', ''],
  ];
  for (const [why, name] of refused) {
    it(`refuses ${why}`, async () => {
      assert.throws(() => area.store.checkName(name), fails('bad-name'));
      await assert.rejects(area.store.create(name), fails('bad-name'));
      await assert.rejects(area.store.open(name, { readOnly: true }), fails('bad-name'));
      await assert.rejects(area.store.status(name), fails('bad-name'));
      await assert.rejects(area.store.append(name, [{ data: message('x'), flags: [] }]), fails('bad-name'));
    });
  }

  it('refuses a symbolic link that leads out of the mail area', async () => {
    const outside = scratch();
    try {
      outside.write('victim', 'From a@b Mon Jan  1 10:00:00 2024\nSubject: secret\n\nx\n');
      symlinkSync(outside.file('victim'), area.file('link'));
      symlinkSync(outside.home, area.file('linkdir'));
      symlinkSync(`${outside.home}/nothing-yet`, area.file('dangling'));
      await assert.rejects(area.store.open('link', { readOnly: true }), fails('bad-name'));
      await assert.rejects(area.store.create('linkdir/new'), fails('bad-name'));
      await assert.rejects(area.store.create('dangling'), fails('bad-name'));
      assert.equal(existsSync(`${outside.home}/nothing-yet`), false);
      const listed = (await area.store.list('', '*')).map((entry) => entry.name);
      assert.equal(listed.includes('link') || listed.includes('linkdir'), false);
    } finally {
      outside.remove();
    }
  });

  it('accepts outside names only when allowed', async () => {
    const open = area.another(['allow-outside-names=yes']);
    area.write('plain', '');
    const box = await open.open(area.file('plain'), { readOnly: true });
    assert.equal(box.count, 0);
    await box.close({ expunge: false });
    assert.deepEqual(open.otherNamespace, { prefix: '~', delimiter: '/' });
    assert.equal(area.store.otherNamespace, undefined);
    assert.throws(() => open.checkName('a\u0000b'), fails('bad-name'));
  });
});

describe('folders', () => {
  it('creates, lists, renames and deletes', async () => {
    const store = area.store;
    await store.create('Work/Projects/Alpha');
    await store.create('Work/Archive/');
    await store.create('Entw&APw-rfe');
    await assert.rejects(store.create('Work/Projects/Alpha'), fails('exists'));
    await assert.rejects(store.create('INBOX'), fails('exists'));
    await assert.rejects(store.create('Work/Projects/Alpha/deeper'), fails('cannot'));
    await assert.rejects(store.create('INBOX/child'), fails('cannot'));
    const top = await store.list('', '%');
    assert.deepEqual(top.find((entry) => entry.name === 'Work'), { name: 'Work', attributes: ['\\Noselect', '\\HasChildren'] });
    assert.deepEqual(top.find((entry) => entry.name === 'INBOX'), { name: 'INBOX', attributes: ['\\NoInferiors'] });
    assert.equal(top.some((entry) => entry.name.includes('/')), false);
    assert.equal(existsSync(area.file('Entw&APw-rfe')), true, 'the wire name is the file name');
    const work = await store.list('Work/', '*');
    assert.deepEqual(work.map((entry) => entry.name).sort(), ['Work/Archive', 'Work/Projects', 'Work/Projects/Alpha']);
    assert.deepEqual(work.find((entry) => entry.name === 'Work/Archive')?.attributes, ['\\Noselect', '\\HasNoChildren']);
    assert.deepEqual((await store.list('', 'inbox')).map((entry) => entry.name), ['INBOX']);
    await store.append('Work/Projects/Alpha', [{ data: message('kept'), flags: ['\\Flagged'] }]);
    await store.rename('Work/Projects', 'Old/Projects');
    const moved = await store.status('Old/Projects/Alpha');
    assert.equal(moved.messages, 1);
    await assert.rejects(store.delete('Old'), fails('cannot'));
    await store.delete('Old/Projects/Alpha');
    await store.delete('Old/Projects');
    await assert.rejects(store.delete('INBOX'), fails('cannot'));
    await assert.rejects(store.delete('Nothing'), fails('nonexistent'));
    await assert.rejects(store.append('Nothing', [{ data: message('x'), flags: [] }]), fails('nonexistent'));
  });

  it('refuses to delete or rename a mailbox a session has open', async () => {
    await area.store.create('Busy');
    const box = await area.store.open('Busy', { readOnly: false });
    await assert.rejects(area.another().delete('Busy'), fails('in-use'));
    await assert.rejects(area.another().rename('Busy', 'Lazy'), fails('in-use'));
    await box.close({ expunge: false });
    await area.store.rename('Busy', 'Lazy');
  });

  it('moves INBOX\'s messages on RENAME INBOX and leaves it empty', async () => {
    writeFileSync(area.inbox, 'From a@b Mon Jan  1 10:00:00 2024\nSubject: one\n\nx\n\nFrom a@b Mon Jan  1 10:00:01 2024\nSubject: two\nStatus: RO\n\ny\n', { mode: 0o600 });
    const before = await area.store.open('INBOX', { readOnly: true });
    const content = (await snapshot(before)).map((entry) => entry.replace(/^\d+ /, ''));
    await before.close({ expunge: false });
    await area.store.rename('INBOX', 'Saved');
    const saved = await area.store.open('Saved', { readOnly: true });
    assert.deepEqual((await snapshot(saved)).map((entry) => entry.replace(/^\d+ /, '')), content);
    await saved.close({ expunge: false });
    assert.equal((await area.store.status('INBOX')).messages, 0);
  });
});

describe('subscriptions', () => {
  it('are kept in ~/.mailboxlist and listed by LSUB', async () => {
    await area.store.subscribe('Lazy');
    await area.store.subscribe('inbox');
    await area.store.subscribe('Gone/Child');
    await area.store.subscribe('Lazy');
    assert.equal(readFileSync(area.file('.mailboxlist'), 'latin1'), 'Lazy\nINBOX\nGone/Child\n');
    const all = await area.store.listSubscribed('', '*');
    assert.deepEqual(all, [
      { name: 'Lazy', attributes: [] },
      { name: 'INBOX', attributes: [] },
      { name: 'Gone/Child', attributes: ['\\Noselect'] },
    ]);
    assert.deepEqual(await area.store.listSubscribed('', '%'), [
      { name: 'Lazy', attributes: [] },
      { name: 'INBOX', attributes: [] },
      { name: 'Gone', attributes: ['\\Noselect'] },
    ]);
    await area.store.unsubscribe('Gone/Child');
    await assert.rejects(area.store.unsubscribe('Gone/Child'), fails('nonexistent'));
  });
});

describe('STATUS', () => {
  it('counts without selecting, and follows changes', async () => {
    await area.store.create('Counted');
    await area.store.append('Counted', [
      { data: message('a'), flags: ['\\Seen'] },
      { data: message('b'), flags: [] },
    ]);
    const first = await area.store.status('Counted');
    assert.deepEqual({ ...first, uidValidity: 0 }, { messages: 2, recent: 2, unseen: 1, uidNext: 3, uidValidity: 0 });
    await area.store.append('Counted', [{ data: message('c'), flags: [] }]);
    assert.equal((await area.store.status('Counted')).messages, 3);
    assert.equal((await area.store.status('Counted')).uidValidity, first.uidValidity);
  });
});

describe("UW's ~/mbox rule", () => {
  it('makes ~/mbox INBOX and moves spool mail into it', async () => {
    const mbox = scratch();
    try {
      mkdirSync(mbox.spool, { recursive: true });
      mbox.write('mbox', '');
      writeFileSync(mbox.inbox, 'From a@b Mon Jan  1 10:00:00 2024\nSubject: spooled\n\nbody\n\n', { mode: 0o600 });
      const box = await mbox.store.open('INBOX', { readOnly: false });
      assert.equal(box.count, 1);
      assert.match((await box.read(1)).toString(), /Subject: spooled/);
      assert.equal(readFileSync(mbox.inbox).length, 0, 'the spool was emptied');
      writeFileSync(mbox.inbox, 'From a@b Mon Jan  1 10:00:00 2024\nSubject: later\n\nbody\n\n', { mode: 0o600 });
      await box.poll({ allowExpunge: true });
      assert.equal(box.count, 2);
      await box.close({ expunge: false });
      assert.equal(readFileSync(mbox.inbox).length, 0);
      assert.match(mbox.read('mbox').toString(), /Subject: later/);
    } finally {
      mbox.remove();
    }
  });
});
