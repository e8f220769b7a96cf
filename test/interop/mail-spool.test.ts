// A Debian-style spool (/var/mail is 2775 root:mail, users cannot create
// files there): an ordinary user's session locks its INBOX through UW's
// setgid mlock helper, sees mail delivered to a spool file that did not
// exist when it opened INBOX, and expunges with the journal in its home.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT } from '../helpers/paths';
import { requireProgram, requireRoot } from '../helpers/require';
import { TEST_PASSWORD, ensureTestUser } from '../helpers/users';

const WORKER = join(__dirname, '..', 'unit', 'mail', 'workers', 'spool-worker.ts');
const spool = `/tmp/imap-spool-test-${process.pid}`;
after(() => rmSync(spool, { recursive: true, force: true }));

function mailGroup(): { gid: number } {
  const line = readFileSync('/etc/group', 'utf8').split('\n').find((entry) => entry.startsWith('mail:'));
  const gid = Number(line?.split(':')[2]);
  assert.ok(Number.isInteger(gid), 'group mail exists');
  return { gid };
}

class Worker {
  private output = '';
  private waiters: Array<() => void> = [];
  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
      for (const wake of this.waiters.splice(0)) wake();
    });
  }
  /** Sends a step and waits for a line matching `expect`. */
  async step(command: string, expect: RegExp): Promise<string> {
    this.child.stdin.write(`${command}\n`);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const lines = this.output.split('\n');
      const index = lines.findIndex((line) => expect.test(line) || line.startsWith('error'));
      if (index >= 0) {
        this.output = lines.slice(index + 1).join('\n');
        const line = lines[index] ?? '';
        assert.doesNotMatch(line, /^error/, `${command}: ${line}`);
        return line;
      }
      if (Date.now() > deadline) throw new Error(`${command}: no ${expect} in ${this.output}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }
}

describe('a spool directory the user cannot write', () => {
  it('locks through mlock, waits for the first delivery, and expunges', async (t) => {
    if (!requireRoot(t) || !requireProgram(t, '/usr/bin/mlock', 'mlock')) return;
    const account = ensureTestUser('imapspool', { password: TEST_PASSWORD });
    const mail = mailGroup();
    mkdirSync(spool);
    chownSync(spool, 0, mail.gid);
    chmodSync(spool, 0o2775);
    const inbox = join(spool, 'imapspool');
    rmSync(join(account.home, '.imapspool.imapjournal'), { force: true });
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, spool, account.home, 'imapspool'], {
      uid: account.uid,
      gid: account.gid,
      // tsx is found from the project directory.
      cwd: ROOT,
      env: { HOME: account.home, PATH: '/usr/bin:/bin' },
    });
    const worker = new Worker(child);
    try {
      // No spool file yet: an empty INBOX that waits for mail.
      assert.equal(await worker.step('open', /^opened/), 'opened 0 read-write');
      writeFileSync(inbox, 'From agent@example.com Mon Jan  1 10:00:00 2024\nSubject: first\n\nbody\n\nFrom agent@example.com Mon Jan  1 10:00:01 2024\nSubject: second\n\nbody\n\n', { mode: 0o660 });
      chownSync(inbox, account.uid, mail.gid);
      assert.equal(await worker.step('poll', /^polled/), 'polled 2');
      // The dot-lock comes from the helper: the user could not create it.
      await worker.step('lock', /^locked/);
      assert.equal(existsSync(`${inbox}.lock`), true, 'mlock made the dot-lock');
      await worker.step('release', /^released/);
      assert.equal(existsSync(`${inbox}.lock`), false, 'and removed it');
      await worker.step('flag', /^flagged/);
      assert.equal(await worker.step('expunge', /^expunged,/), 'expunged, 1 left');
      await worker.step('close', /^closed/);
      const text = readFileSync(inbox, 'latin1');
      assert.doesNotMatch(text, /Subject: first/);
      assert.match(text, /Subject: second\nStatus: O\nX-Status: \nX-Keywords: +\nX-UID: 2\n/);
      assert.equal(existsSync(`${inbox}.lock`), false, 'no lock left behind');
    } finally {
      child.kill();
    }
  });
});
