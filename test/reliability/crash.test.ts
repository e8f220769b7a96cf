// kill -9 of the real imapd at random moments while it rewrites a large
// mailbox (about 3,000 generated messages, 33 MB): a client stores flags,
// expunges and moves while the server is killed after a random delay, on
// the first write of a journal, or on the first change of the mailbox file.
// The mailbox is a folder under the home directory in even rounds and the
// user's INBOX in a Debian-style /var/mail (mlock, journal in the home) in
// odd ones. After each kill a fresh imapd opens the mailbox (finishing any
// journal) and serves every message; each must be byte for byte one of the
// originals, none twice, none lost unless it was being expunged or moved,
// and a moved one either still in place or in the target. The file is then
// read again without lib/mail (From lines, status headers dropped) and by
// UW's mailutil.
//
// The second suite kills a library writer (test/unit/mail/workers/rewrite-
// worker.ts) at random moments of flag rewrites and expunges, with a real
// delivery agent (dotlockfile -p breaks the dead process's lock at once)
// appending right after each crash; STRESS=1 runs 200 trials of each instead of 20.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cachedMbox } from '../../bench/generate';
import { Random } from '../../bench/random';
import type { SystemAccount } from '../../lib/auth/passwd';
import { requireProgram, requireRoot } from '../helpers/require';
import { scratch } from '../unit/mail/scratch';
import { existsIn, fetchAll, logout, mailutilTotal, preauthSession, writeSuiteConfig, type ImapdSession } from './support/imapd';
import { claimTestUser } from './support/claimed-user';
import { readRawMailbox } from './support/raw-mbox';
import { sessionLockHeld } from './support/session-lock';

const STRESS = Boolean(process.env.STRESS);

// ---- imapd killed mid-rewrite ------------------------------------------------

const SERVER_TRIALS = STRESS ? 200 : 20;
const TRIALS_PER_ROUND = 10;
const GENERATED = { seed: 9, count: 3000 };
const CRASH_USER = 'imapcrash';
const KILL_MODES = ['delay', 'journal started', 'journal committed', 'mailbox changed'] as const;
const FLAG_POOL = ['\\Seen', '\\Flagged', '\\Answered', '\\Draft', '$Forwarded', '$Label1', 'Todo'];
const KEYWORD_POOL = Array.from({ length: 14 }, (_, n) => `Keyword${n + 1}`);

/** Messages the client may expunge, and ones it may move: disjoint, the rest are only flagged. */
const isExpungeable = (index: number): boolean => index % 7 === 3;
const isMovable = (index: number): boolean => index % 7 === 5;

interface Place {
  /** The IMAP name. */
  readonly name: string;
  readonly path: string;
  /** Where its journal is written. */
  readonly journalDirectory: string;
}

interface Places {
  readonly source: Place;
  readonly moved: Place;
}

function placesFor(account: SystemAccount, round: number): Places {
  const area = join(account.home, 'crash');
  const moved = { name: 'crash/Moved', path: join(area, 'Moved'), journalDirectory: area };
  // The user cannot write /var/mail: the dot-lock comes from mlock, the journal lives in the home directory.
  if (round % 2 === 1) return { source: { name: 'INBOX', path: `/var/mail/${account.name}`, journalDirectory: account.home }, moved };
  return { source: { name: 'crash/Big', path: join(area, 'Big'), journalDirectory: area }, moved };
}

function sha1(data: Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}

function journalsIn(places: Places): string[] {
  const directories = new Set([places.source.journalDirectory, places.moved.journalDirectory]);
  return [...directories].flatMap((directory) => readdirSync(directory).filter((name) => name.includes('.imapjournal')).map((name) => join(directory, name)));
}

/** Copies the generated mailbox into place, with an empty move target. */
function install(account: SystemAccount, places: Places, original: string): void {
  for (const journal of journalsIn(places)) rmSync(journal);
  copyFileSync(original, places.source.path);
  writeFileSync(places.moved.path, '', { mode: 0o600 });
  for (const path of [places.source.path, places.moved.path]) chownSync(path, account.uid, account.gid);
}

interface Contents {
  /** Generated message index → UID, in mailbox order. */
  readonly source: Map<number, number>;
  readonly moved: Set<number>;
}

/** Message indexes served by a mailbox, checked against the originals byte for byte. */
async function served(session: ImapdSession, command: 'SELECT' | 'EXAMINE', place: Place, originals: Map<string, number>): Promise<Array<{ index: number; uid: number }>> {
  const responses = await session.client.command('v', `${command} ${place.name}`, 120_000);
  const status = responses.at(-1) ?? '';
  // READ-ONLY after a crash would mean a stale session lock.
  assert.match(status, command === 'SELECT' ? /^v OK \[READ-WRITE\]/ : /^v OK/, `${command} ${place.name}`);
  const messages = await fetchAll(session.client, existsIn(responses), 'BODY.PEEK[]', 50);
  return messages.map((message) => {
    const index = originals.get(sha1(message.data));
    assert.ok(index !== undefined, `${place.name} UID ${message.uid} is none of the original messages`);
    return { index, uid: message.uid };
  });
}

/** A fresh imapd reads both mailboxes (finishing any journal first when it may write). */
async function contentsNow(account: SystemAccount, config: string, places: Places, originals: Map<string, number>, command: 'SELECT' | 'EXAMINE'): Promise<Contents> {
  const session = await preauthSession(account, config);
  const source = await served(session, command, places.source, originals);
  const moved = await served(session, command, places.moved, originals);
  await logout(session);
  const sourceMap = new Map<number, number>();
  for (const { index, uid } of source) {
    assert.equal(sourceMap.has(index), false, `message ${index} twice in ${places.source.name}`);
    sourceMap.set(index, uid);
  }
  const movedSet = new Set<number>();
  for (const { index } of moved) {
    assert.equal(movedSet.has(index), false, `message ${index} twice in ${places.moved.name}`);
    movedSet.add(index);
  }
  return { source: sourceMap, moved: movedSet };
}

interface Targets {
  readonly expunge: Set<number>;
  readonly move: Set<number>;
}

/** STORE, CHECK, EXPUNGE, CLOSE and MOVE, one after the other, until the server is killed. */
async function keepWriting(session: ImapdSession, places: Places, before: Contents, targets: Targets, random: Random): Promise<void> {
  const client = session.client;
  let tag = 0;
  const send = async (command: string): Promise<void> => {
    const responses = await client.command(`w${++tag}`, command, 120_000);
    const status = responses.at(-1) ?? '';
    assert.doesNotMatch(status, /^w\d+ BAD/, `${command}: ${status}`);
    if (command.startsWith('SELECT')) assert.match(status, /^w\d+ OK \[READ-WRITE\]/, `${command}: ${responses.join(' | ')}`);
  };
  const removed = new Set<number>();
  const candidates = (wanted: (index: number) => boolean): number[] => [...before.source.keys()].filter((index) => wanted(index) && !removed.has(index));
  /** Some of `indexes`, mostly from the first third so that the rewritten tail is long. */
  const some = (indexes: number[], most: number): number[] => {
    const pool = random.chance(0.6) ? indexes.slice(0, Math.max(1, Math.ceil(indexes.length / 3))) : indexes;
    const chosen = new Set<number>();
    const wanted = Math.min(pool.length, random.int(1, most));
    while (chosen.size < wanted) chosen.add(random.pick(pool));
    return [...chosen];
  };
  const uids = (indexes: number[]): string => indexes.map((index) => before.source.get(index)).join(',');
  try {
    await send(`SELECT ${places.source.name}`);
    for (;;) {
      const action = random.float();
      const all = candidates(() => true);
      if (action < 0.4 && all.length > 0) {
        const flags = FLAG_POOL.filter(() => random.chance(0.4));
        await send(`UID STORE ${uids(some(all, 20))} ${random.pick(['+FLAGS', '-FLAGS', '+FLAGS.SILENT'])} (${flags.join(' ') || '\\Seen'})`);
        if (random.chance(0.5)) await send('CHECK');
      } else if (action < 0.55 && all.length > 0) {
        // More keywords than the padded status block holds: the rest of the file is rewritten.
        await send(`UID STORE ${uids(some(all, 2))} ${random.chance(0.7) ? '+' : '-'}FLAGS.SILENT (${KEYWORD_POOL.filter(() => random.chance(0.6)).join(' ') || 'Keyword1'})`);
        await send('CHECK');
      } else if (action < 0.8) {
        const chosen = some(candidates(isExpungeable), 3);
        if (chosen.length === 0) continue;
        for (const index of chosen) targets.expunge.add(index);
        await send(`UID STORE ${uids(chosen)} +FLAGS.SILENT (\\Deleted)`);
        const how = random.int(0, 2);
        if (how === 0) await send('EXPUNGE');
        else if (how === 1) await send(`UID EXPUNGE ${uids(chosen)}`);
        else {
          await send('CLOSE');
          await send(`SELECT ${places.source.name}`);
        }
        for (const index of chosen) removed.add(index);
      } else {
        const chosen = some(candidates((index) => isMovable(index) && !before.moved.has(index)), 2);
        if (chosen.length === 0) continue;
        for (const index of chosen) targets.move.add(index);
        await send(`UID MOVE ${uids(chosen)} ${places.moved.name}`);
        for (const index of chosen) removed.add(index);
      }
    }
  } catch (error) {
    // The kill cuts a command short; anything else is a failure.
    if (error instanceof assert.AssertionError || !client.isClosed) throw error;
  }
}

type KillPoint = 'applying a journal to the mailbox' | 'writing a journal' | 'applying or writing the move target\'s journal' | 'between writes';

interface Kill {
  readonly trigger: string;
  readonly point: KillPoint;
}

/** Kills the session after a random delay, or soon after a journal or the mailbox file starts changing. */
function armKill(session: ImapdSession, mode: (typeof KILL_MODES)[number], places: Places, random: Random): { trigger: () => string; disarm: () => void } {
  let trigger = 'fallback after 60 s';
  const watchers: FSWatcher[] = [];
  const timers: NodeJS.Timeout[] = [setTimeout(() => session.child.kill('SIGKILL'), 60_000)];
  const killAfter = (why: string, delayMs: number): void => {
    if (timers.length > 1) return;
    trigger = `${why} + ${delayMs} ms`;
    timers.push(setTimeout(() => session.child.kill('SIGKILL'), delayMs));
  };
  if (mode === 'delay') killAfter(mode, random.int(0, 3000));
  else if (mode === 'mailbox changed') {
    const delayMs = random.int(0, 400);
    watchers.push(watch(places.source.path, () => killAfter(mode, delayMs)));
  } else {
    // Writing a journal takes longer than applying it: a committed one is caught sooner.
    const committed = mode === 'journal committed';
    const delayMs = random.chance(0.3) ? 0 : random.int(1, committed ? 400 : 1500);
    for (const directory of new Set([places.source.journalDirectory, places.moved.journalDirectory])) {
      watchers.push(watch(directory, (_, name) => {
        if (name?.endsWith(committed ? '.imapjournal' : '.imapjournal.new')) killAfter(mode, delayMs);
      }));
    }
  }
  return {
    trigger: () => trigger,
    disarm(): void {
      for (const watcher of watchers) watcher.close();
      for (const timer of timers) clearTimeout(timer);
    },
  };
}

function killPoint(places: Places): KillPoint {
  const journals = journalsIn(places);
  const isMoved = (path: string): boolean => path.includes('.Moved.');
  if (journals.some((path) => !isMoved(path) && path.endsWith('.imapjournal'))) return 'applying a journal to the mailbox';
  if (journals.some((path) => !isMoved(path))) return 'writing a journal';
  if (journals.length > 0) return 'applying or writing the move target\'s journal';
  return 'between writes';
}

/**
 * A kill between creating the dot-lock's hitching post and removing it
 * leaves the post behind: not a lock (nothing honours it), but litter.
 * Counts and removes them.
 */
function sweepHitchingPosts(place: Place): number {
  const directory = dirname(place.path);
  const posts = readdirSync(directory).filter((name) => name.startsWith(`${basename(place.path)}.lock.`));
  for (const name of posts) rmSync(join(directory, name));
  return posts.length;
}

/**
 * After the reopen: no journal, dot-lock or session lock left, and the files
 * read the same without lib/mail and with UW's mailutil. Returns the number
 * of hitching posts found.
 */
function checkFiles(account: SystemAccount, places: Places, now: Contents, rawOriginals: Map<string, number>): number {
  assert.deepEqual(journalsIn(places), [], 'every journal was applied and removed');
  let posts = 0;
  for (const place of [places.source, places.moved]) {
    assert.equal(existsSync(`${place.path}.lock`), false, `no dot-lock left on ${place.name}`);
    assert.equal(sessionLockHeld(place.path), false, `no session lock held on ${place.name}`);
    posts += sweepHitchingPosts(place);
  }
  const raw = readRawMailbox(readFileSync(places.source.path));
  assert.deepEqual(
    raw.digests.map((digest) => rawOriginals.get(digest) ?? `unknown ${digest}`),
    [...now.source.keys()],
    'the file holds exactly the served messages, each byte for byte as generated',
  );
  assert.equal(mailutilTotal(account, places.source.name), now.source.size, `mailutil reads ${places.source.name}`);
  if (now.moved.size > 0) assert.equal(mailutilTotal(account, places.moved.name), now.moved.size, `mailutil reads ${places.moved.name}`);
  return posts;
}

interface Tally {
  expunged: number;
  moved: number;
  inBoth: number;
  hitchingPosts: number;
}

/** Nothing lost, nothing new, nothing resurrected: only targeted messages may leave the mailbox. */
function checkTransition(before: Contents, now: Contents, targets: Targets, tally: Tally, trial: number): void {
  for (const index of now.source.keys()) assert.equal(before.source.has(index), true, `trial ${trial}: message ${index} came back`);
  for (const index of before.moved) assert.equal(now.moved.has(index), true, `trial ${trial}: message ${index} lost from the move target`);
  for (const index of now.moved) {
    if (before.moved.has(index)) continue;
    assert.equal(targets.move.has(index) && before.source.has(index), true, `trial ${trial}: message ${index} appeared in the move target`);
    tally.moved++;
  }
  for (const index of before.source.keys()) {
    if (now.source.has(index)) {
      // A kill between MOVE's copy and its expunge leaves the message in both, as UW's MOVE would.
      if (now.moved.has(index)) {
        assert.equal(targets.move.has(index), true, `trial ${trial}: message ${index} in both mailboxes`);
        if (!before.moved.has(index)) tally.inBoth++;
      }
      continue;
    }
    if (now.moved.has(index)) continue;
    assert.equal(targets.expunge.has(index), true, `trial ${trial}: message ${index} lost`);
    tally.expunged++;
  }
}

describe('kill -9 of imapd during rewrites of a large mailbox', () => {
  it(`loses and duplicates nothing over ${SERVER_TRIALS} trials`, async (t) => {
    if (!requireRoot(t) || !requireProgram(t, '/usr/bin/mailutil', 'uw-mailutils') || !requireProgram(t, '/usr/bin/mlock', 'mlock')) return;
    const claim = await claimTestUser(CRASH_USER);
    const account = claim.account;
    const area = join(account.home, 'crash');
    const config = join(account.home, 'crash-imapd.cf');
    const cleanUp = (): void => {
      rmSync(area, { recursive: true, force: true });
      rmSync(`/var/mail/${account.name}`, { force: true });
      rmSync(config, { force: true });
      for (const journal of readdirSync(account.home).filter((name) => name.includes('.imapjournal'))) rmSync(join(account.home, journal));
    };
    cleanUp();
    mkdirSync(area, { mode: 0o700 });
    chownSync(area, account.uid, account.gid);
    writeSuiteConfig(config);
    try {
      const original = cachedMbox(GENERATED);
      const rawOriginals = new Map(readRawMailbox(readFileSync(original)).digests.map((digest, index) => [digest, index]));
      assert.equal(rawOriginals.size, GENERATED.count, 'the generated messages are all different');
      let originals = new Map<string, number>();
      const points = new Map<KillPoint, number>();
      const tally: Tally = { expunged: 0, moved: 0, inBoth: 0, hitchingPosts: 0 };
      let verified = 0;
      let before: Contents = { source: new Map(), moved: new Set() };
      let targets: Targets = { expunge: new Set(), move: new Set() };
      for (let trial = 0; trial < SERVER_TRIALS; trial++) {
        const round = Math.floor(trial / TRIALS_PER_ROUND);
        const places = placesFor(account, round);
        if (trial % TRIALS_PER_ROUND === 0) {
          install(account, places, original);
          if (originals.size === 0) {
            // What imapd serves for each generated message, read once without writing anything.
            const session = await preauthSession(account, config);
            const responses = await session.client.command('e', `EXAMINE ${places.source.name}`, 120_000);
            const messages = await fetchAll(session.client, existsIn(responses), 'BODY.PEEK[]', 50);
            await logout(session);
            originals = new Map(messages.map((message, index) => [sha1(message.data), index]));
            assert.equal(originals.size, GENERATED.count, 'imapd serves every generated message');
          }
          before = await contentsNow(account, config, places, originals, 'EXAMINE');
          targets = { expunge: new Set(), move: new Set() };
        }
        const random = new Random(trial + 1);
        const session = await preauthSession(account, config);
        const kill = armKill(session, KILL_MODES[trial % KILL_MODES.length] ?? 'delay', places, random);
        await keepWriting(session, places, before, targets, random);
        const signal = await session.exited;
        kill.disarm();
        assert.equal(signal, 'SIGKILL', `trial ${trial}: imapd was killed (${kill.trigger()})`);
        assert.equal(session.stderr(), '', 'imapd wrote nothing to fd 2');
        const point = killPoint(places);
        points.set(point, (points.get(point) ?? 0) + 1);
        const now = await contentsNow(account, config, places, originals, 'SELECT').catch((error: Error) => {
          throw new Error(`trial ${trial} on ${places.source.name} (file there: ${existsSync(places.source.path)}), killed ${point} (${kill.trigger()}): ${error.message}`, { cause: error });
        });
        checkTransition(before, now, targets, tally, trial);
        tally.hitchingPosts += checkFiles(account, places, now, rawOriginals);
        verified += now.source.size + now.moved.size;
        before = now;
      }
      const kills = [...points].map(([point, count]) => `${count} ${point}`).join(', ');
      t.diagnostic(
        `${SERVER_TRIALS} trials on ${GENERATED.count} messages (${(statSync(original).size / 1e6).toFixed(0)} MB), folder and /var/mail INBOX; killed: ${kills}; ` +
          `${verified} messages verified byte for byte after the kills; ${tally.expunged} expunged and ${tally.moved} moved on purpose, ` +
          `${tally.inBoth} moves cut between copy and expunge (message in both); 0 lost, 0 duplicated; no stale lock, ` +
          `${tally.hitchingPosts} dot-lock hitching posts left by a kill`,
      );
    } finally {
      cleanUp();
      claim.release();
    }
  });
});

// ---- a library writer killed mid-rewrite, deliveries after each crash --------

const LIBRARY_TRIALS = STRESS ? 200 : 20;
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

describe('kill -9 of a library writer during rewrites', () => {
  it(`loses and duplicates nothing over ${LIBRARY_TRIALS} trials`, async (t) => {
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
    for (let trial = 0; trial < LIBRARY_TRIALS; trial++) {
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
      `${LIBRARY_TRIALS} trials: killed ${recovered} times while applying a journal (completed on reopen), ${unfinished} times while writing one ` +
        `(mailbox untouched); ${delivered.size} deliveries after a crash`,
    );
  });
});
