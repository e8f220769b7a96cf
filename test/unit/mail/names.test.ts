// The name policy's newer rules, on the store directly: UW's remote and
// namespace forms, LIST references and patterns that would start the walk
// outside the area, link loops, and the links INBOX must not follow.
// (test/reliability/names.test.ts runs the same hostile names through the
// real servers; test/unit/mail/store.test.ts has the first hostile names.)
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isMailError } from '../../../lib/mail/errors';
import { message, scratch } from './scratch';

const area = scratch();
const outside = scratch();
after(() => {
  area.remove();
  outside.remove();
});
outside.write('secret', 'From a@b Mon Jan  1 10:00:00 2024\nSubject: secret\n\nx\n\n');
mkdirSync(area.file('Work'));
area.write('Work/inner', '');
symlinkSync(outside.home, area.file('linkdir'));
symlinkSync('.', area.file('self'));
symlinkSync('Work/inner', area.file('inlink'));
symlinkSync('Work', area.file('inlinkdir'));

const badName = (error: unknown): boolean => isMailError(error) && error.kind === 'bad-name';

async function listed(reference: string, pattern: string): Promise<string[]> {
  return (await area.store.list(reference, pattern)).map((entry) => entry.name).sort();
}

describe('name policy', () => {
  for (const name of ['{localhost}INBOX', '{host:993/ssl}x', '#shared/x', '#mhinbox', '#public']) {
    it(`refuses ${name} (not a file name)`, async () => {
      assert.throws(() => area.store.checkName(name), badName);
      await assert.rejects(area.store.create(name), badName);
      await assert.rejects(area.store.append(name, [{ data: message('x'), flags: [] }]), badName);
    });
  }

  it('still refuses them with outside names allowed', () => {
    const open = area.another(['allow-outside-names=yes']);
    for (const name of ['{localhost}INBOX', '#shared/x', 'a\u0001b', 'a&AGE-']) assert.throws(() => open.checkName(name), badName);
  });

  it('starts no LIST walk outside the area', async () => {
    for (const [reference, pattern] of [['../', '*'], ['', '../*'], ['linkdir/', '*'], ['', 'linkdir/%'], ['Work/../../', '*'], ['.', '*']]) {
      assert.deepEqual(await listed(reference ?? '', pattern ?? ''), [], `LIST "${reference}" "${pattern}"`);
    }
  });

  it('walks a link back up the tree once, and lists links to directories but not to files', async () => {
    assert.deepEqual(await listed('', '*'), ['INBOX', 'Work', 'Work/inner', 'inlinkdir', 'self', 'spool']);
    assert.deepEqual(await listed('inlinkdir/', '*'), ['inlinkdir/inner']);
    await assert.rejects(area.store.open('inlink', { readOnly: true }));
    const box = await area.store.open('inlinkdir/inner', { readOnly: true });
    await box.close({ expunge: false });
  });

  it('keeps INBOX the spool file when ~/mbox leads out of the home', async () => {
    symlinkSync(outside.file('secret'), join(area.home, 'mbox'));
    const inbox = await area.store.open('INBOX', { readOnly: true });
    try {
      assert.equal(inbox.count, 0, 'the secret was not opened as INBOX');
    } finally {
      await inbox.close({ expunge: false });
    }
  });
});
