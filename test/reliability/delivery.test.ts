// Real delivery agents race a read-write session: procmail (dot-lock and
// fcntl) and dotlockfile + append (dot-lock only) deliver to the spool
// while the session polls, sets flags, appends, and expunges some of the
// delivered mail. Every delivery must end up in the mailbox exactly once
// (or be expunged on purpose), and no lock may be left behind. STRESS=1
// delivers 1,000 messages instead of 200.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { isMailError } from '../../lib/mail/errors';
import type { Mailbox } from '../../lib/mail/types';
import { requireProgram } from '../helpers/require';
import { message, scratch } from '../unit/mail/scratch';

const DELIVERIES = process.env.STRESS ? 1000 : 200;
const PARALLEL = 4;
const area = scratch();
after(() => area.remove());

function mail(n: number): string {
  const deletable = n % 5 === 0 ? ' deletable' : '';
  return `From agent@example.com Mon Jan  1 10:00:00 2024\nSubject: delivery ${n}${deletable}\n\nBody of ${n}.\nFrom the start of a line\n`;
}

function run(command: string, args: readonly string[], input?: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'ignore'] });
    child.stdin?.end(input);
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

async function deliver(n: number, rcfile: string): Promise<void> {
  if (n % 2 === 0) {
    assert.equal(await run('/usr/bin/procmail', ['-m', rcfile], mail(n)), 0, `procmail delivery ${n}`);
    return;
  }
  // dotlockfile holds the lock while a shell appends: the way many scripts deliver.
  assert.equal(
    await run('/bin/sh', ['-c', `dotlockfile -p -i 1 -r 60 -l "$0.lock" && { cat >> "$0"; printf '\\n' >> "$0"; dotlockfile -u "$0.lock"; }`, area.inbox], mail(n)),
    0,
    `dotlockfile delivery ${n}`,
  );
}

/** The session's side of the race: poll, flag, append, expunge, checkpoint. */
async function work(box: Mailbox, round: number): Promise<void> {
  await box.poll({ allowExpunge: true });
  if (box.count === 0) return;
  const seq = 1 + (round % box.count);
  box.setFlags([seq], round % 3 === 0 ? 'replace' : 'add', round % 2 ? ['\\Seen'] : ['\\Flagged', `Round${round % 8}`]);
  if (round % 7 === 0) await area.store.append('INBOX', [{ data: message(`ours ${round}`), flags: ['\\Seen'] }]);
  if (round % 5 === 0) {
    for (let s = 1; s <= box.count; s++) {
      if (/deletable/.test((await box.readHeader(s)).toString())) box.setFlags([s], 'add', ['\\Deleted']);
    }
    await box.expunge();
  }
  await box.checkpoint();
}

describe('deliveries racing a session', () => {
  it(`keeps every one of ${DELIVERIES} deliveries`, async (t) => {
    if (!requireProgram(t, '/usr/bin/procmail', 'procmail') || !requireProgram(t, '/usr/bin/dotlockfile', 'liblockfile-bin')) return;
    const rcfile = area.file('procmailrc');
    writeFileSync(rcfile, `LOCKSLEEP=1\n:0:\n${area.inbox}\n`, { mode: 0o644 });
    writeFileSync(area.inbox, '', { mode: 0o600 });
    const box = await area.store.open('INBOX', { readOnly: false });
    let next = 1;
    const agents = Array.from({ length: PARALLEL }, async () => {
      while (next <= DELIVERIES) await deliver(next++, rcfile);
    });
    let finished = false;
    const all = Promise.all(agents).then(() => {
      finished = true;
    });
    let rounds = 0;
    let busy = 0;
    while (!finished) {
      // A client thinks between commands; a tight loop would starve the agents.
      await new Promise((resolve) => setTimeout(resolve, 20));
      try {
        await work(box, rounds++);
      } catch (error) {
        // A lock held by a slow delivery is an answer, not a failure.
        if (!isMailError(error) || error.kind !== 'temporary') throw error;
        busy++;
      }
    }
    await all;
    await box.poll({ allowExpunge: true });
    const subjects = new Map<string, number>();
    for (let seq = 1; seq <= box.count; seq++) {
      const subject = /^Subject: (.*)\r$/m.exec((await box.readHeader(seq)).toString())?.[1] ?? '?';
      subjects.set(subject, (subjects.get(subject) ?? 0) + 1);
    }
    await box.close({ expunge: false });
    for (const [subject, copies] of subjects) assert.equal(copies, 1, `${subject} appears ${copies} times`);
    let kept = 0;
    for (let n = 1; n <= DELIVERIES; n++) {
      if (n % 5 === 0) continue;
      assert.equal(subjects.has(`delivery ${n}`), true, `delivery ${n} lost`);
      kept++;
    }
    assert.equal(existsSync(`${area.inbox}.lock`), false, 'no lock left behind');
    t.diagnostic(`${DELIVERIES} deliveries (procmail and dotlockfile), ${rounds} session rounds, ${busy} lock waits timed out; ${kept} kept, none lost or doubled`);
  });
});
