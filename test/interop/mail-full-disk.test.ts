// A full disk fails a change cleanly, before existing mail is touched: the
// journal cannot be written, the mailbox stays byte for byte as it was, and
// the same change succeeds once there is room again. Runs on a tiny tmpfs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../lib/config/config';
import { closeLog } from '../../lib/log/syslog';
import { isMailError } from '../../lib/mail/errors';
import { openMailStore } from '../../lib/mail/store';
import { requireRoot, requireThat } from '../helpers/require';
import { message } from '../unit/mail/scratch';

const mountPoint = mkdtempSync(join(tmpdir(), 'mail-full-'));
let mounted = false;
after(() => {
  if (mounted) spawnSync('umount', ['-l', mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
  closeLog();
});

/** Fills the file system; returns the filler's path. */
function fill(directory: string): string {
  const path = join(directory, '.filler');
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(4096, 0x78);
  try {
    for (;;) writeSync(fd, block);
  } catch {
    // ENOSPC: full.
  } finally {
    closeSync(fd);
  }
  return path;
}

describe('a full disk', () => {
  it('refuses the change with over-quota and leaves the mailbox as it was', async (t) => {
    if (!requireRoot(t)) return;
    const result = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', mountPoint]);
    if (!requireThat(t, result.status === 0, `cannot mount a tmpfs here: ${result.stderr.toString().trim()}`)) return;
    mounted = true;
    const home = join(mountPoint, 'home');
    mkdirSync(home);
    const store = openMailStore({ name: 'tester', home, uid: 0, gid: 0 }, loadConfig({ path: '/nonexistent/imapd.cf', overrides: [`spool-directory=${home}`] }));
    await store.create('Box');
    const body = 'a line of text for the body of the message\r\n'.repeat(100);
    await store.append('Box', Array.from({ length: 40 }, (_, n) => ({ data: message(`m${n}`, body), flags: [] })));
    const box = await store.open('Box', { readOnly: false });
    await box.checkpoint();
    const before = readFileSync(join(home, 'Box'));
    const filler = fill(home);

    box.setFlags([1], 'add', Array.from({ length: 20 }, (_, n) => `Keyword${n}`));
    box.setFlags([2], 'add', ['\\Deleted']);
    await assert.rejects(box.expunge(), (error) => isMailError(error) && error.kind === 'over-quota');
    assert.deepEqual(readFileSync(join(home, 'Box')), before, 'mailbox untouched');
    await assert.rejects(store.append('Box', [{ data: message('more'), flags: [] }]), (error) => isMailError(error) && error.kind === 'over-quota');
    assert.deepEqual(readFileSync(join(home, 'Box')), before, 'mailbox untouched');
    assert.equal(box.count, 40);

    unlinkSync(filler);
    await box.expunge();
    assert.equal(box.count, 39);
    assert.deepEqual(box.flags(1).length, 20);
    await box.close({ expunge: false });
  });
});
