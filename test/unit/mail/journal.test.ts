// The journal stopped at every step of applying it, as kill -9 would, with
// and without mail delivered after the crash: recovery must produce the new
// content followed by the delivered mail, nothing lost, nothing doubled.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { commitRewrite, recoverJournal, type ApplyStep, type Rewrite } from '../../../lib/mail/mbox/journal';
import { openShared } from '../../../lib/mail/mbox/shared-file';
import { requireRoot } from '../../helpers/require';
import { scratch } from './scratch';

const area = scratch();
after(() => area.remove());

const OLD = 'From a@b Mon Jan  1 10:00:00 2024\nSubject: one\n\nfirst body\n\nFrom a@b Mon Jan  1 10:00:01 2024\nSubject: two\n\nsecond body, a long one to drop\n\n';
const DELIVERED = 'From agent@x Mon Jan  1 11:00:00 2024\nSubject: late\n\nlate body\n\n';
const cut = OLD.indexOf('From a@b Mon Jan  1 10:00:01');

const cases: Array<{ name: string; tail: string; patch?: string }> = [
  { name: 'shrinking (expunge)', tail: '' },
  { name: 'growing (new status headers)', tail: OLD.slice(cut).replace('Subject: two\n', 'Subject: two\nStatus: O\nX-Status: \nX-Keywords:                           \nX-UID: 2\n') },
  { name: 'same size with a patch', tail: OLD.slice(cut).replace('second', 'SECOND'), patch: 'ONE' },
];
const steps: ApplyStep[] = ['committed', 'extended', 'phase-2', 'written', 'marked'];

describe('journal recovery', () => {
  for (const { name, tail, patch } of cases) {
    for (const step of steps) {
      for (const delivery of [false, true]) {
        it(`${name}, stopped at ${step}${delivery ? ', mail delivered after' : ''}`, async () => {
          const path = area.file('box');
          writeFileSync(path, OLD);
          const file = openShared(path);
          const journal = area.file('.box.imapjournal');
          const patchAt = OLD.indexOf('one');
          const rewrite: Rewrite = {
            patches: patch ? [{ at: patchAt, bytes: Buffer.from(patch) }] : [],
            from: cut,
            writeTail: async (sink) => sink.write(tail),
          };
          const expected = (patch ? OLD.slice(0, patchAt) + patch + OLD.slice(patchAt + patch.length, cut) : OLD.slice(0, cut)) + tail;
          let stopped = false;
          try {
            await commitRewrite(file, journal, OLD.length, rewrite, (reached) => {
              if (reached === step) {
                stopped = true;
                throw new Error('killed');
              }
            });
          } catch (error) {
            assert.match((error as Error).message, /killed/);
          }
          if (!stopped) {
            // This kind of change has no such step: it completed.
            assert.equal(readFileSync(path, 'latin1'), expected);
            await file.release();
            return;
          }
          assert.equal(existsSync(journal), true, 'the journal survives the crash');
          if (delivery) appendFileSync(path, DELIVERED);
          assert.equal(await recoverJournal(file, journal), true);
          assert.equal(readFileSync(path, 'latin1'), expected + (delivery ? DELIVERED : ''));
          assert.equal(existsSync(journal), false);
          await file.release();
        });
      }
    }
  }

  it('fails before touching the mailbox when the journal cannot be written', async () => {
    const path = area.file('full');
    writeFileSync(path, OLD);
    const file = openShared(path);
    await assert.rejects(
      commitRewrite(file, '/proc/no-such-place/journal', OLD.length, { patches: [], from: 0, writeTail: async () => undefined }),
    );
    assert.equal(readFileSync(path, 'latin1'), OLD);
    await file.release();
  });
});

describe('a journal planted by someone else', () => {
  it('is never applied', async (t) => {
    if (!requireRoot(t)) return; // to make a file owned by another user
    const { chownSync } = await import('node:fs');
    const path = area.file('planted');
    writeFileSync(path, OLD);
    const file = openShared(path);
    const journal = area.file('.planted.imapjournal');
    await commitRewrite(file, journal, OLD.length, { patches: [], from: 0, writeTail: async (sink) => sink.write('evil') }, (step) => {
      if (step === 'committed') throw new Error('killed');
    }).catch(() => undefined);
    writeFileSync(path, OLD);
    chownSync(journal, 65534, 65534);
    assert.equal(await recoverJournal(file, journal), false);
    assert.equal(readFileSync(path, 'latin1'), OLD);
    await file.release();
  });
});
