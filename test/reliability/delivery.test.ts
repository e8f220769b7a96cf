// Real delivery agents race real sessions. First, the server: procmail (as
// an MTA runs it, -d USER) and dotlockfile -m with a shell append deliver to
// /var/mail/USER while two bin/imapd sessions (pre-authenticated as the user,
// so the dot-lock comes from UW's mlock helper) take turns at SELECT INBOX,
// NOOP, STORE, MOVE to a folder and EXPUNGE/CLOSE. Every delivery must end up
// in INBOX or, if moved, in the folder exactly once, or be gone only if a
// session marked it \Deleted; the files must hold what imapd serves and
// read in UW's mailutil, and no lock, journal or helper may be left behind.
// Second, the library: procmail (dot-lock and fcntl) and dotlockfile +
// append race a read-write Mailbox that polls, sets flags, appends, and
// expunges some of the delivered mail. STRESS=1 delivers 1,000 messages in
// each instead of 200.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Random } from '../../bench/random';
import type { SystemAccount } from '../../lib/auth/passwd';
import { isMailError } from '../../lib/mail/errors';
import { sessionLockPath } from '../../lib/mail/lock/session';
import type { Mailbox } from '../../lib/mail/types';
import { requireProgram, requireRoot } from '../helpers/require';
import { message, scratch } from '../unit/mail/scratch';
import { claimTestUser } from './support/claimed-user';
import { existsIn, fetchAll, literalItems, logout, mailutilTotal, preauthSession, writeSuiteConfig, type ImapdSession } from './support/imapd';

const STRESS = Boolean(process.env.STRESS);

// ---- real imapd sessions racing procmail and dotlockfile on /var/mail -------

const SERVER_DELIVERIES = STRESS ? 1000 : 200;
const AGENTS = 3;
const SESSIONS = 2;
const RACE_USER = 'imaprace';
const MOVE_TARGET = 'race/Moved';

/** Deliveries the sessions may expunge, and ones they may move; the rest are only flagged. */
const isDeletable = (n: number): boolean => n % 5 === 0;
const isMovable = (n: number): boolean => n % 5 === 1;

function delivery(n: number): string {
  return `From agent@example.com Mon Jan  1 10:00:00 2024\nMessage-ID: <delivery-${n}@race.test>\nSubject: delivery ${n}\n\nBody of ${n}.\nFrom the start of a line\n`;
}

/** Runs a delivery agent, as root or as the user; resolves with its exit status. */
function runAgent(command: string, args: readonly string[], input: string, account?: SystemAccount): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: ['pipe', 'ignore', 'ignore'],
      ...(account ? { uid: account.uid, gid: account.gid, env: { HOME: account.home, USER: account.name, LOGNAME: account.name, PATH: '/usr/bin:/bin' } } : {}),
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? -1);
    });
  });
}

/** procmail as the MTA runs it (-d: root, switching to the user), or dotlockfile -m with a shell append as the user. */
async function deliverToSpool(account: SystemAccount, n: number): Promise<void> {
  if (n % 2 === 0) {
    assert.equal(await runAgent('/usr/bin/procmail', ['-d', account.name], delivery(n)), 0, `procmail delivery ${n}`);
    return;
  }
  const inbox = `/var/mail/${account.name}`;
  const status = await runAgent('/usr/bin/dotlockfile', ['-l', '-p', '-r', '120', '-i', '1', '-m', '/bin/sh', '-c', `cat >> ${inbox} && echo >> ${inbox}`], delivery(n), account);
  assert.equal(status, 0, `dotlockfile delivery ${n}`);
}

interface RaceRecord {
  /** Deliveries a MOVE answered OK for. */
  readonly moved: Set<number>;
  /** Deliveries given \Deleted: they may be gone. */
  readonly marked: Set<number>;
  rounds: number;
  readOnlyRounds: number;
  moves: number;
  expungeCommands: number;
  /** NO answers (a lock held too long by someone else), with their command. */
  readonly busy: string[];
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const deliveryNumber = (header: Buffer): number => Number(/<delivery-(\d+)@race\.test>/.exec(header.toString('latin1'))?.[1] ?? 0);

/** One client: SELECT INBOX, then NOOP, STORE, MOVE, EXPUNGE while read-write; CLOSE or UNSELECT so the other gets its turn. */
async function raceSession(account: SystemAccount, config: string, record: RaceRecord, done: () => boolean, random: Random): Promise<void> {
  let tag = 0;
  while (!done()) {
    const session = await preauthSession(account, config);
    let selected = 'no mailbox';
    const send = async (command: string): Promise<string[]> => {
      const responses = await session.client.command(`r${++tag}`, command, 120_000).catch((error: Error) => {
        throw new Error(`${command} with ${selected} selected: ${error.message}`, { cause: error });
      });
      const status = responses.at(-1) ?? '';
      assert.match(status, /^r\d+ (OK|NO)/, `${command}: ${status}`);
      // A lock held by a slow delivery is an answer, not a failure.
      if (/^r\d+ NO/.test(status)) record.busy.push(`${command.split(' ')[0]}: ${status.replace(/^r\d+ /, '')}`);
      return responses;
    };
    for (let visit = 0; visit < 5 && !done(); visit++) {
      const readWrite = /\[READ-WRITE\]/.test((await send('SELECT INBOX')).at(-1) ?? '');
      selected = `INBOX ${readWrite ? 'read-write' : 'read-only'}`;
      for (let step = 0; step < 4; step++) {
        // A client thinks between commands; a tight loop would starve the agents.
        await pause(random.int(10, 60));
        await send('NOOP');
        if (!readWrite) {
          record.readOnlyRounds++;
          await send('UID FETCH 1:* (FLAGS)');
          continue;
        }
        record.rounds++;
        const present = literalItems(await send('UID FETCH 1:* (BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])')).map((item) => ({ uid: item.uid, n: deliveryNumber(item.data) }));
        if (present.length === 0) continue;
        const some = (wanted: (n: number) => boolean, most: number): Array<{ uid: number; n: number }> =>
          present.filter(({ n }) => wanted(n)).filter(() => random.chance(0.5)).slice(0, most);
        const flagged = some(() => true, 5);
        if (flagged.length > 0) {
          await send(`UID STORE ${flagged.map(({ uid }) => uid).join(',')} ${random.pick(['+FLAGS', '-FLAGS', '+FLAGS.SILENT'])} (${random.pick(['\\Seen', '\\Flagged $Label1', '\\Answered Todo'])})`);
        }
        const moving = some((n) => isMovable(n) && !record.moved.has(n), 3);
        if (moving.length > 0 && /OK/.test((await send(`UID MOVE ${moving.map(({ uid }) => uid).join(',')} ${MOVE_TARGET}`)).at(-1) ?? '')) {
          for (const { n } of moving) record.moved.add(n);
          record.moves++;
        }
        const deleting = some(isDeletable, 3);
        if (deleting.length > 0) {
          for (const { n } of deleting) record.marked.add(n);
          await send(`UID STORE ${deleting.map(({ uid }) => uid).join(',')} +FLAGS.SILENT (\\Deleted)`);
          if (random.chance(0.7)) {
            await send('EXPUNGE');
            record.expungeCommands++;
          }
        }
      }
      await send(random.chance(0.5) ? 'CLOSE' : 'UNSELECT');
      await pause(random.int(0, 100));
    }
    await logout(session);
  }
}

/** Delivery numbers in a mailbox as a fresh imapd serves it. */
async function servedDeliveries(session: ImapdSession, name: string): Promise<number[]> {
  const responses = await session.client.command('x', `EXAMINE ${name}`, 120_000);
  assert.match(responses.at(-1) ?? '', /^x OK/, `EXAMINE ${name}`);
  return (await fetchAll(session.client, existsIn(responses), 'BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]')).map((item) => deliveryNumber(item.data));
}

/** Delivery numbers in a file, read without lib/mail. */
function rawDeliveries(path: string): number[] {
  return [...readFileSync(path, 'latin1').matchAll(/^Message-ID: <delivery-(\d+)@race\.test>$/gm)].map((match) => Number(match[1]));
}

describe('procmail and dotlockfile delivering while imapd sessions work on INBOX', () => {
  it(`keeps every one of ${SERVER_DELIVERIES} deliveries`, async (t) => {
    if (!requireRoot(t) || !requireProgram(t, '/usr/bin/procmail', 'procmail') || !requireProgram(t, '/usr/bin/dotlockfile', 'liblockfile-bin')) return;
    if (!requireProgram(t, '/usr/bin/mlock', 'mlock') || !requireProgram(t, '/usr/bin/mailutil', 'uw-mailutils')) return;
    const claim = await claimTestUser(RACE_USER);
    const account = claim.account;
    const inbox = `/var/mail/${account.name}`;
    const folders = join(account.home, 'race');
    const moved = join(account.home, MOVE_TARGET);
    const config = join(account.home, 'race-imapd.cf');
    const procmailrc = join(account.home, '.procmailrc');
    const cleanUp = (): void => {
      for (const path of [folders, inbox, config, procmailrc]) rmSync(path, { recursive: true, force: true });
    };
    cleanUp();
    mkdirSync(folders, { mode: 0o700 });
    writeFileSync(moved, '', { mode: 0o600 });
    writeFileSync(inbox, '', { mode: 0o600 });
    // procmail retries a busy lock every 8 s by default; mail hosts with busy spools set less.
    writeFileSync(procmailrc, 'LOCKSLEEP=1\n', { mode: 0o644 });
    for (const path of [folders, moved, inbox, procmailrc]) chownSync(path, account.uid, account.gid);
    writeSuiteConfig(config);
    try {
      // A spool file in use has its UIDs saved: a file without them that a
      // read-write session rewrites is lost to a read-only one (lib/mail/README.md).
      await deliverToSpool(account, 1);
      const first = await preauthSession(account, config);
      assert.match((await first.client.command('p', 'SELECT INBOX')).at(-1) ?? '', /^p OK \[READ-WRITE\]/);
      assert.match((await first.client.command('p', 'STORE 1 +FLAGS (\\Seen)')).at(-1) ?? '', /^p OK/);
      assert.match((await first.client.command('p', 'CHECK')).at(-1) ?? '', /^p OK/);
      await logout(first);
      assert.match(readFileSync(inbox, 'latin1'), /^X-IMAP(?:base)?: /m, 'INBOX has its UIDs saved');
      let next = 2;
      const spacing = new Random(99);
      const agents = Array.from({ length: AGENTS }, async () => {
        while (next <= SERVER_DELIVERIES) {
          await deliverToSpool(account, next++);
          // Mail arrives in bursts, not back to back for minutes: leave the sessions a chance at the lock.
          await pause(spacing.int(0, 40));
        }
      });
      let delivered = false;
      const deliveries = Promise.all(agents).then(() => {
        delivered = true;
      });
      const record: RaceRecord = { moved: new Set(), marked: new Set(), rounds: 0, readOnlyRounds: 0, moves: 0, expungeCommands: 0, busy: [] };
      await Promise.all([deliveries, ...Array.from({ length: SESSIONS }, (_, n) => raceSession(account, config, record, () => delivered, new Random(n + 1)))]);

      const session = await preauthSession(account, config);
      const inInbox = await servedDeliveries(session, 'INBOX');
      const inMoved = await servedDeliveries(session, MOVE_TARGET);
      await logout(session);
      assert.deepEqual(rawDeliveries(inbox), inInbox, 'the spool file holds what imapd serves');
      assert.deepEqual(rawDeliveries(moved), inMoved, 'the move target holds what imapd serves');
      assert.equal(mailutilTotal(account, 'INBOX'), inInbox.length, 'mailutil reads INBOX');
      if (inMoved.length > 0) assert.equal(mailutilTotal(account, MOVE_TARGET), inMoved.length, 'mailutil reads the move target');

      const copies = (list: number[], n: number): number => list.filter((m) => m === n).length;
      let expunged = 0;
      for (let n = 1; n <= SERVER_DELIVERIES; n++) {
        const where = `delivery ${n}: ${copies(inInbox, n)} in INBOX, ${copies(inMoved, n)} in ${MOVE_TARGET}`;
        if (record.moved.has(n)) assert.equal(`${copies(inInbox, n)} ${copies(inMoved, n)}`, '0 1', where);
        else if (record.marked.has(n) && copies(inInbox, n) === 0 && copies(inMoved, n) === 0) expunged++;
        else assert.equal(`${copies(inInbox, n)} ${copies(inMoved, n)}`, '1 0', where);
      }
      assert.equal(inInbox.length + inMoved.length + expunged, SERVER_DELIVERIES, 'nothing but the deliveries');

      // Dot-locks, hitching posts, liblockfile's temporary files (.lk…) and session locks.
      const stale = [
        ...readdirSync('/var/mail')
          .map((name) => join('/var/mail', name))
          .filter((path) => path.startsWith(`${inbox}.lock`) || (basename(path).startsWith('.lk') && statSync(path).uid === account.uid)),
        ...readdirSync(folders).filter((name) => name.includes('.lock')).map((name) => join(folders, name)),
      ];
      for (const path of [inbox, moved]) {
        const stats = statSync(path);
        stale.push(sessionLockPath(stats.dev, stats.ino));
      }
      assert.deepEqual(stale.filter((path) => existsSync(path)), [], 'no dot-lock or session lock left behind');
      assert.deepEqual([account.home, folders].flatMap((directory) => readdirSync(directory).filter((name) => name.includes('.imapjournal'))), [], 'no journal left behind');
      const processes = spawnSync('ps', ['-u', account.name, '-o', 'pid=,args='], { encoding: 'utf8' }).stdout.trim();
      assert.equal(processes, '', 'no imapd or mlock helper left running');
      t.diagnostic(
        `${SERVER_DELIVERIES} deliveries (procmail -d and dotlockfile -m) to /var/mail while ${SESSIONS} imapd sessions worked: ${record.rounds} read-write rounds, ` +
          `${record.readOnlyRounds} read-only rounds, ${record.moves} MOVE commands (${record.moved.size} messages), ${record.expungeCommands} EXPUNGE commands ` +
          `(${expunged} marked messages expunged by EXPUNGE or CLOSE), ${record.busy.length} NO answers (${[...new Set(record.busy)].join('; ') || 'none'}); ${inInbox.length} in INBOX, ${inMoved.length} moved; ` +
          '0 lost, 0 duplicated, 0 stale locks',
      );
    } finally {
      cleanUp();
      claim.release();
    }
  });
});

// ---- the same race against a library Mailbox ---------------------------------

const DELIVERIES = STRESS ? 1000 : 200;
const PARALLEL = 4;
const area = scratch();
after(() => area.remove());

function mail(n: number): string {
  const deletable = n % 5 === 0 ? ' deletable' : '';
  return `From agent@example.com Mon Jan  1 10:00:00 2024\nSubject: delivery ${n}${deletable}\n\nBody of ${n}.\nFrom the start of a line\n`;
}

async function deliver(n: number, rcfile: string): Promise<void> {
  if (n % 2 === 0) {
    assert.equal(await runAgent('/usr/bin/procmail', ['-m', rcfile], mail(n)), 0, `procmail delivery ${n}`);
    return;
  }
  // dotlockfile holds the lock while a shell appends: the way many scripts deliver.
  assert.equal(
    await runAgent('/bin/sh', ['-c', `dotlockfile -p -i 1 -r 60 -l "$0.lock" && { cat >> "$0"; printf '\\n' >> "$0"; dotlockfile -u "$0.lock"; }`, area.inbox], mail(n)),
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

describe('procmail and dotlockfile delivering while a library Mailbox works', () => {
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
      await pause(20);
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
