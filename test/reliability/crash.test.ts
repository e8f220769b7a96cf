// kill -9 at random moments of flag rewrites and expunges, with a real
// delivery agent (dotlockfile -p breaks the dead process's lock at once)
// appending right after the crash. After each trial the mailbox must hold
// every message that was not expunged, byte for byte, none twice, and every
// delivered message. STRESS=1 runs 200 trials instead of 20.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { requireProgram } from '../helpers/require';
import { scratch } from '../unit/mail/scratch';

const TRIALS = process.env.STRESS ? 200 : 20;
const MESSAGES = 200;
const WORKER = join(__dirname, '..', 'unit', 'mail', 'workers', 'rewrite-worker.ts');
const area = scratch();
after(() => area.remove());

function body(n: number): string {
  const line = `message ${n} line of text that fills the body up a little more\r\n`;
  return line.repeat(20 + ((n * 37) % 400)) + (n % 7 === 0 ? 'From the start of a line\r\n' : '');
}

function subject(n: number): string {
  return `msg ${n}${n % 3 === 0 ? ' deletable' : ''}`;
}

/** Served bytes of each message, by subject. */
async function contents(): Promise<Map<string, string[]>> {
  const box = await area.another().open('Crash', { readOnly: true });
  const found = new Map<string, string[]>();
  for (let seq = 1; seq <= box.count; seq++) {
    const text = (await box.read(seq)).toString('latin1');
    const key = /^Subject: (.*)\r$/m.exec(text)?.[1] ?? `?${seq}`;
    found.set(key, [...(found.get(key) ?? []), text]);
  }
  await box.close({ expunge: false });
  return found;
}

function killedWhileWorking(seed: number, delayMs: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, area.home, area.spool, 'Crash', String(seed)], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready')) setTimeout(() => child.kill('SIGKILL'), delayMs);
      if (output.includes('error')) child.kill('SIGKILL');
    });
    child.on('exit', () => resolve(output));
  });
}

function deliver(n: number): void {
  const mailbox = area.file('Crash');
  const locked = spawnSync('/usr/bin/dotlockfile', ['-p', '-l', '-r', '3', `${mailbox}.lock`]);
  assert.equal(locked.status, 0, 'dotlockfile took the lock');
  try {
    appendFileSync(mailbox, `From agent@example.com Mon Jan  1 12:00:00 2024\nSubject: delivered ${n}\n\ndelivered body ${n}\n\n`);
  } finally {
    spawnSync('/usr/bin/dotlockfile', ['-u', `${mailbox}.lock`]);
  }
}

describe('kill -9 during rewrites', () => {
  it(`loses and duplicates nothing over ${TRIALS} trials`, async (t) => {
    if (!requireProgram(t, '/usr/bin/dotlockfile', 'liblockfile-bin')) return;
    await area.store.create('Crash');
    await area.store.append(
      'Crash',
      Array.from({ length: MESSAGES }, (_, index) => ({
        data: Buffer.from(`From: tester@example.com\r\nSubject: ${subject(index + 1)}\r\n\r\n${body(index + 1)}`),
        flags: [],
      })),
    );
    const original = await contents();
    const delivered = new Map<string, string>();
    let recovered = 0;
    let unfinished = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const output = await killedWhileWorking(trial + 1, 30 + ((trial * 97) % 400));
      assert.doesNotMatch(output, /error/, `worker failed: ${output}`);
      if (existsSync(area.file('.Crash.imapjournal'))) recovered++;
      else if (existsSync(area.file('.Crash.imapjournal.new'))) unfinished++;
      if (trial % 2 === 0) {
        deliver(trial);
        delivered.set(`delivered ${trial}`, '');
      }
      const now = await contents();
      for (const [key, copies] of now) {
        assert.equal(copies.length, 1, `${key} appears ${copies.length} times after trial ${trial}`);
        if (key.startsWith('delivered')) {
          assert.equal(delivered.has(key), true, `unexpected ${key}`);
          continue;
        }
        assert.equal(copies[0], original.get(key)?.[0], `${key} changed after trial ${trial}`);
      }
      for (const [key] of original) if (!key.endsWith('deletable')) assert.equal(now.has(key), true, `${key} lost after trial ${trial}`);
      for (const [key] of delivered) assert.equal(now.has(key), true, `${key} lost after trial ${trial}`);
    }
    t.diagnostic(
      `${TRIALS} trials: killed ${recovered} times while applying a journal (completed on reopen), ${unfinished} times while writing one ` +
        `(mailbox untouched); ${delivered.size} deliveries after a crash`,
    );
  });
});
