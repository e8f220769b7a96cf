// UW c-client itself (mailutil from Debian's uw-mailutils) reads what we
// write and we read what it writes: the same messages, flags and keywords.
// mailutil refuses to work as root, so it runs as a test user.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../lib/config/config';
import { closeLog } from '../../lib/log/syslog';
import { openMailStore } from '../../lib/mail/store';
import type { MailStore } from '../../lib/mail/types';
import { IS_ROOT, requireProgram, requireRoot } from '../helpers/require';
import { TEST_PASSWORD, ensureTestUser } from '../helpers/users';
import { message, snapshot } from '../unit/mail/scratch';

const MAILUTIL = '/usr/bin/mailutil';
let directory = '';
let account: { uid: number; gid: number; home: string; name: string } | undefined;
let store: MailStore;

function mailutil(...args: string[]): string {
  return mailutilWithStatus(0, ...args);
}

/** mailutil prune exits 1 after purging: its status is the number of messages purged. */
function mailutilWithStatus(status: number, ...args: string[]): string {
  if (!account) throw new Error('no test user');
  const result = spawnSync(MAILUTIL, args, {
    uid: account.uid,
    gid: account.gid,
    cwd: directory,
    env: { HOME: account.home, PATH: '/usr/bin:/bin', USER: account.name, LOGNAME: account.name },
    encoding: 'latin1',
  });
  assert.equal(result.status, status, `mailutil ${args.join(' ')}: ${result.stdout}${result.stderr}`);
  return `${result.stdout}${result.stderr}`;
}

/** mailutil (Debian's build) takes only names relative to the home directory. */
function here(name: string): string {
  return `${directory.slice((account?.home.length ?? 0) + 1)}/${name}`;
}

function giveToUser(): void {
  if (!account) return;
  chownSync(directory, account.uid, account.gid);
  for (const name of readdirSync(directory)) chownSync(join(directory, name), account.uid, account.gid);
}

before(() => {
  if (!IS_ROOT) return;
  const user = ensureTestUser('imapmailutil', { password: TEST_PASSWORD });
  account = { uid: user.uid, gid: user.gid, home: user.home, name: 'imapmailutil' };
  directory = join(user.home, `interop-${process.pid}`);
  mkdirSync(directory, { recursive: true });
  store = openMailStore(
    { name: account.name, home: directory, uid: user.uid, gid: user.gid },
    loadConfig({ path: '/nonexistent/imapd.cf', overrides: [`spool-directory=${directory}`] }),
  );
});
after(() => {
  if (directory) rmSync(directory, { recursive: true, force: true });
  closeLog();
});

/** Messages, flags and keywords of a mailbox, without UIDs (copies renumber). */
async function content(name: string): Promise<string[]> {
  const box = await store.open(name, { readOnly: true });
  const lines = (await snapshot(box)).map((entry) => entry.replace(/^\d+ /, ''));
  await box.close({ expunge: false });
  return lines;
}

describe('UW mailutil and our mailboxes', () => {
  it('copies a mailbox we wrote into one of its own with the same messages, flags and keywords', async (t) => {
    if (!requireRoot(t) || !requireProgram(t, MAILUTIL, 'uw-mailutils')) return;
    await store.create('ours');
    await store.append('ours', [
      { data: message('plain'), flags: [] },
      { data: message('seen and flagged', 'Body.\r\nFrom the start of a line\r\n'), flags: ['\\Seen', '\\Flagged'] },
      { data: message('keywords', 'Body.\r\n', 'Status: RO\r\nX-UID: 77\r\n'), flags: ['\\Answered', 'Work', '$Label1'] },
      { data: message('to be expunged'), flags: ['\\Deleted'] },
      { data: message('draft', 'No final newline'), flags: ['\\Draft', 'Work'] },
    ]);
    const box = await store.open('ours', { readOnly: false });
    box.setFlags([1], 'add', ['\\Seen']);
    await box.expunge();
    await box.close({ expunge: false });
    giveToUser();
    // Nothing \Recent (our session took the messages over), two not \Seen.
    assert.match(mailutil('check', here('ours')), /^0 new message\(s\) \(2 unseen\), 4 total/);
    mailutil('copy', '-kw', here('ours'), here('theirs'));
    giveToUser();
    const ours = await content('ours');
    const theirs = await content('theirs');
    assert.equal(theirs.length, 4);
    assert.deepEqual(theirs, ours);
  });

  it('appends to our mailbox in a way we read back, UIDs continuing', async (t) => {
    if (!requireRoot(t) || !requireProgram(t, MAILUTIL, 'uw-mailutils')) return;
    const before = await store.open('ours', { readOnly: true });
    const uidNext = before.uidNext;
    const validity = before.uidValidity;
    await before.close({ expunge: false });
    await store.create('source');
    await store.append('source', [{ data: message('from UW'), flags: ['\\Seen'] }]);
    giveToUser();
    mailutil('append', here('source'), here('ours'));
    const box = await store.open('ours', { readOnly: true });
    assert.equal(box.count, 5);
    assert.equal(box.uidValidity, validity);
    assert.equal(box.uid(5), uidNext);
    assert.deepEqual(box.flags(5), ['\\Seen']);
    assert.match((await box.read(5)).toString(), /^Subject: from UW\r$/m);
    await box.close({ expunge: false });
  });

  it('reads a mailbox UW expunged in place of us', async (t) => {
    if (!requireRoot(t) || !requireProgram(t, MAILUTIL, 'uw-mailutils')) return;
    const expected = (await content('ours')).filter((entry) => !entry.includes('Subject: plain'));
    assert.match(mailutilWithStatus(1, 'prune', here('ours'), 'SUBJECT plain'), /1 message\(s\) purged/);
    assert.deepEqual(await content('ours'), expected);
  });
});
