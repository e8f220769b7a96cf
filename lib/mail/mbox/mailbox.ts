// An open (selected) Berkeley mailbox. The file is scanned once at open;
// afterwards only growth is parsed, and any other change is matched by UID
// (resync.ts). Flag changes stay in memory until a checkpoint writes them,
// in place where UW's padding allows, always through the journal. Events
// reach the protocol only from poll(), expunge() and setFlags().
import { fstatSync, watch as watchPath, statSync, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { CopyResult, FlagMode, Mailbox, MailboxEvents, OpenOptions } from '../types';
import { MailError } from '../errors';
import { log } from '../../log/syslog';
import { withMailboxLock, type LockedSection, type LockMode } from '../lock/mailbox-lock';
import { trySessionLock, type SessionLock } from '../lock/session';
import { appendToFile, type PendingMessage } from './append';
import { journalFor, journalPending, loadFolder, recoverAll, type MboxContext } from './context';
import { readRange, statFile } from './file-io';
import { FolderState } from './folder';
import { ReadAhead } from './read-ahead';
import { commitRewrite } from './journal';
import { DIRTY, GHOST, NO_UID, RECENT } from './message-index';
import { mergeFresh } from './resync';
import { afterWrite, needsWrite, planRewrite } from './rewrite';
import { scanMailbox } from './scanner';
import { countServed, servedHeader, servedMessage } from './message-text';
import { openShared, type SharedFile } from './shared-file';
import { DELETED, FLAG_BITS, FLAG_NAMES, SYSTEM_BITS, isKeywordAtom, parseBase } from './status-headers';

const FINGERPRINT = 64;
/** Unsaved flag changes are written after this long, at the next poll. */
const CHECKPOINT_AFTER_MS = 30_000;
const WATCH_FALLBACK_MS = 2_000;

const SILENT: MailboxEvents = { exists: () => undefined, expunged: () => undefined, flagsChanged: () => undefined };

export interface MboxOpenRequest extends OpenOptions {
  readonly name: string;
  readonly path: string;
  /** Refuse the file when `path` is a symbolic link (the store's name policy says so). */
  readonly noFollow?: boolean;
  /**
   * Runs holding this file's write lock, at open before the scan and in
   * poll() of read-write sessions (INBOX = ~/mbox: move spool mail in).
   */
  readonly beforePoll?: (file: SharedFile, section: LockedSection) => Promise<void>;
  /** UIDVALIDITY to use while the file has no base (already announced elsewhere). */
  readonly uidValidity?: number;
  /** Opens the file of a destination mailbox name for COPY (throws MailError). */
  readonly openDestination: (name: string) => SharedFile;
}

export class MboxMailbox implements Mailbox {
  private state: FolderState;
  private listener: MailboxEvents = SILENT;
  private announced = 0;
  private known = { size: 0, mtimeMs: 0 };
  private lastFingerprint: { at: number; bytes: Buffer; endAt: number; endBytes: Buffer } | undefined;
  private dead: MailError | undefined;
  private dirtySince = 0;
  private needsResync = false;
  /** UIDs whose flags another program changed, found while reading between polls. */
  private unreportedFlags: number[] = [];
  private closed = false;
  private readonly reader: ReadAhead;
  /** The read-ahead block last found to match the file as indexed (rawMessage). */
  private checkedBlock = -1;
  /** True while COPY writes into this same file, holding its lock. */
  private copyingIntoSelf = false;

  private constructor(
    private readonly context: MboxContext,
    private readonly request: MboxOpenRequest,
    private readonly file: SharedFile,
    private readonly session: SessionLock | undefined,
    readonly readOnly: boolean,
  ) {
    this.state = new FolderState(readOnly);
    this.reader = new ReadAhead(file.fd);
  }

  static async open(context: MboxContext, request: MboxOpenRequest): Promise<MboxMailbox> {
    const file = openShared(request.path, { noFollow: request.noFollow ?? false });
    let readOnly = request.readOnly || !file.writable;
    let session: SessionLock | undefined;
    if (!readOnly) {
      session = trySessionLock(file.dev, file.ino);
      if (!session) {
        if (request.exclusive) {
          await file.release();
          throw new MailError('in-use', `Mailbox ${request.name} is in use by another session`);
        }
        readOnly = true;
      }
    }
    const mailbox = new MboxMailbox(context, request, file, session, readOnly);
    try {
      await mailbox.load();
    } catch (error) {
      session?.release();
      await file.release();
      throw error;
    }
    return mailbox;
  }

  get name(): string {
    return this.request.name;
  }
  get uidValidity(): number {
    return this.state.uidValidity;
  }
  get uidNext(): number {
    return this.state.uidLast + 1;
  }
  get count(): number {
    return this.announced;
  }
  get keywords(): readonly string[] {
    return this.state.keywords;
  }
  get canCreateKeywords(): boolean {
    return this.state.canCreateKeywords;
  }

  setListener(events: MailboxEvents): void {
    this.listener = events;
  }

  // --- per-message attributes -------------------------------------------

  private row(seq: number): number {
    this.alive();
    if (!Number.isInteger(seq) || seq < 1 || seq > this.announced) throw new MailError('nonexistent', `No message ${seq}`);
    return seq - 1;
  }

  uid(seq: number): number {
    return this.state.index.uid(this.row(seq));
  }

  seqOfUid(uid: number): number | undefined {
    const row = this.state.index.find(uid);
    return row >= 0 && row < this.announced ? row + 1 : undefined;
  }

  flags(seq: number): readonly string[] {
    const row = this.row(seq);
    const bits = this.state.index.bits(row);
    const names = FLAG_NAMES.filter(([bit]) => bits & bit).map(([, name]) => name);
    return [...names, ...this.state.keywordNames(this.state.index.keywords(row))];
  }

  hasFlag(seq: number, flag: string): boolean {
    const row = this.row(seq);
    const bit = FLAG_BITS.get(flag.toLowerCase());
    if (bit !== undefined) return (this.state.index.bits(row) & bit) !== 0;
    if (flag.toLowerCase() === '\\recent') return this.isRecent(seq);
    const keyword = this.state.keywordIndex(flag, false);
    return keyword >= 0 && (this.state.index.keywords(row) & (1 << keyword)) !== 0;
  }

  isRecent(seq: number): boolean {
    return (this.state.index.bits(this.row(seq)) & RECENT) !== 0;
  }

  internalDate(seq: number): Date {
    return new Date(this.state.index.timeOf(this.row(seq)));
  }

  size(seq: number): number {
    const row = this.row(seq);
    const index = this.state.index;
    if (!index.servedBodyKnown(row)) {
      index.setServed(row, index.servedHeaderSize(row), countServed(this.file.fd, index.bodyStartOf(row), index.endOf(row)));
    }
    return index.servedSize(row);
  }

  // --- message text -----------------------------------------------------

  async read(seq: number): Promise<Buffer> {
    const row = this.row(seq);
    const raw = await this.rawMessage(row);
    const index = this.state.index;
    const served = servedMessage(raw, index, row);
    if (!index.servedBodyKnown(row)) {
      index.setServed(row, index.servedHeaderSize(row), served.length - index.servedHeaderSize(row));
    } else if (served.length !== index.servedSize(row)) {
      log('warning', `${this.file.path}: message ${seq} is ${served.length} bytes, indexed as ${index.servedSize(row)}`);
    }
    return served;
  }

  async readHeader(seq: number): Promise<Buffer> {
    const row = this.row(seq);
    return servedHeader(await this.rawMessage(row), this.state.index, row);
  }

  /**
   * [From line, end of text) of a row, through the read-ahead blocks. The
   * file is checked after the read: if another program rewrote it since the
   * index was made, the bytes at the old place may be another message, so
   * the index catches up (flag changes are reported at the next poll) and
   * the row is read again holding the lock, so that nobody moves it meanwhile.
   */
  private async rawMessage(row: number): Promise<Buffer> {
    const raw = await this.readRow(row);
    // Bytes read before a check that found the file as indexed are good:
    // one check per block read, not one per message.
    const block = this.reader.blocks;
    if (raw && (block === this.checkedBlock || (await this.stillAsIndexed()))) {
      this.checkedBlock = block;
      return raw;
    }
    this.reader.reset();
    if (!raw) this.needsResync = true;
    // COPY into this same file holds its lock already: waiting for it would never end.
    if (this.copyingIntoSelf) throw new MailError('temporary', 'The mailbox was changed by another program; try again');
    return this.locked(this.readOnly ? 'parse' : 'write', async () => {
      for (const changed of await this.catchUp()) this.unreportedFlags.push(this.state.index.uid(changed));
      const again = await this.readRow(row);
      if (again) return again;
      this.needsResync = true;
      throw new MailError('temporary', 'The mailbox was changed by another program; try again');
    });
  }

  /** The row's bytes when they look like its message; throws for one another program expunged. */
  private async readRow(row: number): Promise<Buffer | undefined> {
    const index = this.state.index;
    if (index.bits(row) & GHOST) throw new MailError('expunged', 'Message was removed by another program');
    const start = index.startOf(row);
    const end = index.endOf(row);
    const raw = await this.reader.range(start, end);
    return raw.length === end - start && raw.toString('latin1', 0, 5) === 'From ' ? raw : undefined;
  }

  /** Whether the indexed messages are still where the index says: the file is unchanged, or only grew by appends. */
  private async stillAsIndexed(): Promise<boolean> {
    const stats = fstatSync(this.file.fd);
    if (stats.size === this.known.size && stats.mtimeMs === this.known.mtimeMs) return true;
    return stats.size > this.known.size && (await this.tailIntact());
  }

  // --- flags --------------------------------------------------------------

  setFlags(seqs: readonly number[], mode: FlagMode, flags: readonly string[]): number[] {
    this.alive();
    if (this.readOnly) throw new MailError('read-only', 'Mailbox is read-only');
    let bits = 0;
    const keywordNames: string[] = [];
    for (const flag of flags) {
      const bit = FLAG_BITS.get(flag.toLowerCase());
      if (bit !== undefined) bits |= bit;
      else if (!flag.startsWith('\\')) keywordNames.push(flag);
    }
    let mask = 0;
    for (const name of keywordNames) {
      if (!isKeywordAtom(name)) throw new MailError('cannot', `Invalid keyword ${name}`);
      const index = this.state.keywordIndex(name, mode !== 'remove');
      if (index < 0 && mode !== 'remove') throw new MailError('cannot', 'Too many keywords in this mailbox');
      if (index >= 0) mask |= 1 << index;
    }
    mask >>>= 0;
    const index = this.state.index;
    const changed: number[] = [];
    for (const seq of seqs) {
      const row = this.row(seq);
      const before = index.bits(row);
      if (before & GHOST) continue;
      const beforeKeywords = index.keywords(row);
      let system = before & SYSTEM_BITS;
      let keywords = beforeKeywords;
      if (mode === 'add') {
        system |= bits;
        keywords |= mask;
      } else if (mode === 'remove') {
        system &= ~bits;
        keywords &= ~mask;
      } else {
        system = bits;
        keywords = mask;
      }
      keywords >>>= 0;
      if (system === (before & SYSTEM_BITS) && keywords === beforeKeywords) continue;
      index.setBits(row, (before & ~SYSTEM_BITS) | system | DIRTY);
      index.setKeywords(row, keywords);
      changed.push(seq);
    }
    if (changed.length > 0 && this.dirtySince === 0) this.dirtySince = Date.now();
    return changed;
  }

  // --- changes on disk ----------------------------------------------------

  async checkpoint(): Promise<void> {
    this.alive();
    if (this.readOnly) return;
    await this.locked('write', async () => {
      await this.catchUp();
      await this.write(() => false, false);
    });
  }

  async expunge(uids?: ReadonlySet<number>): Promise<void> {
    this.alive();
    if (this.readOnly) throw new MailError('read-only', 'Mailbox is read-only');
    const removed = await this.locked('write', async () => {
      await this.catchUp();
      const index = this.state.index;
      const limit = this.announced;
      const drop = (row: number): boolean =>
        row < limit && (index.bits(row) & DELETED) !== 0 && (uids === undefined || uids.has(index.uid(row)));
      const chosen: number[] = [];
      for (let row = 0; row < limit; row++) if (drop(row) || index.bits(row) & GHOST) chosen.push(row);
      await this.write(drop, true);
      return chosen;
    });
    this.report(removed);
  }

  async poll(options: { allowExpunge: boolean }): Promise<void> {
    this.alive();
    const beforePoll = this.request.beforePoll;
    if (beforePoll && !this.readOnly) await this.locked('write', (section) => beforePoll(this.file, section));
    const flagsChanged = this.unreportedFlags.map((uid) => this.state.index.find(uid)).filter((row) => row >= 0);
    this.unreportedFlags = [];
    if (this.needsResync || (await this.changedOnDisk())) {
      await this.locked(this.readOnly ? 'parse' : 'write', async () => {
        flagsChanged.push(...(await this.catchUp()));
      });
    }
    for (const row of flagsChanged) if (row < this.announced && !(this.state.index.bits(row) & GHOST)) this.listener.flagsChanged(row + 1);
    if (options.allowExpunge) {
      const ghosts: number[] = [];
      for (let row = 0; row < this.announced; row++) if (this.state.index.bits(row) & GHOST) ghosts.push(row);
      if (ghosts.length > 0) {
        this.state.index.retain((row) => !(this.state.index.bits(row) & GHOST));
        this.reader.reset();
        this.report(ghosts);
      }
    }
    if (this.state.index.length > this.announced) {
      this.announced = this.state.index.length;
      this.listener.exists(this.announced);
    }
    if (!this.readOnly && this.wantsCheckpoint()) await this.checkpoint();
  }

  private wantsCheckpoint(): boolean {
    const index = this.state.index;
    for (let row = 0; row < index.length; row++) if (index.bits(row) & NO_UID) return true;
    if (this.state.baseDirty) return true;
    return this.dirtySince !== 0 && Date.now() - this.dirtySince >= CHECKPOINT_AFTER_MS;
  }

  watch(changed: () => void): () => void {
    const watchers: FSWatcher[] = [];
    let pending: NodeJS.Timeout | undefined;
    const notify = (): void => {
      if (pending) return;
      pending = setTimeout(() => {
        pending = undefined;
        changed();
      }, 50);
    };
    const name = basename(this.file.path);
    try {
      watchers.push(watchPath(this.file.path, { persistent: false }, notify));
    } catch {
      // Not watchable (some network file systems): the timer still works.
    }
    try {
      watchers.push(watchPath(dirname(this.file.path), { persistent: false }, (_, file) => {
        if (file === name) notify();
      }));
    } catch {
      // Directory not readable: the timer still works.
    }
    for (const watcher of watchers) watcher.on('error', () => undefined);
    const timer = setInterval(() => {
      void this.changedOnDisk().then((yes) => yes && notify(), () => notify());
    }, WATCH_FALLBACK_MS);
    timer.unref();
    return () => {
      clearInterval(timer);
      if (pending) clearTimeout(pending);
      for (const watcher of watchers) watcher.close();
    };
  }

  async copy(seqs: readonly number[], destination: string): Promise<CopyResult> {
    const rows = seqs.map((seq) => this.row(seq));
    const target = this.request.openDestination(destination);
    this.copyingIntoSelf = target.dev === this.file.dev && target.ino === this.file.ino;
    try {
      return await this.copyInto(rows, target);
    } finally {
      this.copyingIntoSelf = false;
      await target.release();
    }
  }

  private async copyInto(rows: readonly number[], destination: SharedFile): Promise<CopyResult> {
    const messages: PendingMessage[] = rows.map((row) => ({
      flags: this.flags(row + 1),
      internalDate: new Date(this.state.index.timeOf(row)),
      data: () => this.read(row + 1),
    }));
    const result = await appendToFile(this.context, destination, messages);
    return { uidValidity: result.uidValidity, sourceUids: rows.map((row) => this.state.index.uid(row)), destinationUids: result.uids };
  }

  async close(options: { expunge: boolean }): Promise<void> {
    if (this.closed) return;
    try {
      if (!this.readOnly && !this.dead) {
        if (options.expunge) await this.expunge();
        else await this.checkpoint();
      }
    } finally {
      this.closed = true;
      this.dead = new MailError('nonexistent', 'Mailbox is closed');
      this.session?.release();
      await this.file.release();
    }
  }

  // --- internals -------------------------------------------------------------

  private alive(): void {
    if (this.dead) throw this.dead;
  }

  private locked<T>(mode: LockMode, task: (section: LockedSection) => Promise<T>): Promise<T> {
    // Any session that may write the file finishes an interrupted rewrite.
    const repair = this.file.writable && journalPending(this.context, this.file);
    return withMailboxLock(this.file, repair ? 'write' : mode, this.context.lock, async (section) => {
      if (repair && (await recoverAll(this.context, this.file))) this.needsResync = true;
      return task(section);
    });
  }

  private async load(): Promise<void> {
    const moving = this.request.beforePoll !== undefined && !this.readOnly;
    const mode: LockMode = this.file.writable && (journalPending(this.context, this.file) || moving) ? 'write' : 'parse';
    await withMailboxLock(this.file, mode, this.context.lock, async (section) => {
      if (mode === 'write') await recoverAll(this.context, this.file);
      if (moving) await this.request.beforePoll?.(this.file, section);
      const { state, size, mtimeMs } = await loadFolder(this.file, this.readOnly);
      if (!state.disk) {
        // No base in the file yet: whoever writes one first uses ours.
        const preferred = this.request.uidValidity ?? this.file.hints.uidValidity;
        if (preferred !== undefined) state.uidValidity = preferred;
        this.file.hints.uidValidity = state.uidValidity;
      }
      this.state = state;
      this.known = { size, mtimeMs };
      this.announced = state.index.length;
      await this.takeFingerprint();
    });
  }

  private async changedOnDisk(): Promise<boolean> {
    try {
      const onPath = statSync(this.file.path);
      if (onPath.ino !== this.file.ino || onPath.dev !== this.file.dev) {
        this.dead = new MailError('nonexistent', `Mailbox ${this.name} was replaced or removed by another program`);
        throw this.dead;
      }
    } catch (error) {
      if (error instanceof MailError) throw error;
      this.dead = new MailError('nonexistent', `Mailbox ${this.name} was removed by another program`);
      throw this.dead;
    }
    const stats = await statFile(this.file.fd);
    return stats.size !== this.known.size || stats.mtimeMs !== this.known.mtimeMs;
  }

  private async takeFingerprint(): Promise<void> {
    const index = this.state.index;
    let at = -1;
    for (let row = index.length - 1; row >= 0 && at < 0; row--) if (!(index.bits(row) & GHOST)) at = index.startOf(row);
    if (at < 0 && this.state.disk) at = this.state.disk.messageStart;
    if (at < 0) {
      this.lastFingerprint = undefined;
      return;
    }
    // The start of the last message alone is the same in messages written
    // in the same second by the same sender; the end of the file tells them apart.
    const endAt = Math.max(at, this.known.size - FINGERPRINT);
    const [bytes, endBytes] = await Promise.all([readRange(this.file.fd, at, FINGERPRINT), readRange(this.file.fd, endAt, this.known.size - endAt)]);
    this.lastFingerprint = { at, bytes, endAt, endBytes };
  }

  private async tailIntact(): Promise<boolean> {
    const print = this.lastFingerprint;
    if (!print) return this.known.size === 0 || this.state.index.length === 0;
    const [bytes, endBytes] = await Promise.all([readRange(this.file.fd, print.at, print.bytes.length), readRange(this.file.fd, print.endAt, print.endBytes.length)]);
    return bytes.equals(print.bytes) && endBytes.equals(print.endBytes);
  }

  /**
   * Brings the index up to the file (under a lock): parses appended mail,
   * or resynchronises after other changes. Returns rows whose flags changed.
   */
  private async catchUp(): Promise<number[]> {
    const stats = await statFile(this.file.fd);
    if (!this.needsResync && stats.size === this.known.size && stats.mtimeMs === this.known.mtimeMs) return [];
    this.reader.reset();
    if (!this.needsResync && stats.size > this.known.size && (await this.tailIntact())) {
      const uidLast = this.state.uidLast;
      await this.followBase();
      const before = this.state.index.length;
      const validity = this.state.uidValidity;
      const firstInFile = this.known.size === 0 && !this.state.disk;
      const outcome = await scanMailbox(this.file.fd, this.known.size, stats.size, { firstInFile }, (message) => {
        this.state.add(message);
      });
      if (outcome.ok && this.state.uidValidity === validity) {
        this.state.scannedTo = stats.size;
        this.known = { size: stats.size, mtimeMs: stats.mtimeMs };
        await this.takeFingerprint();
        return [];
      }
      this.state.index.truncate(before);
      this.state.uidLast = uidLast;
      if (outcome.ok) return this.gone('the mailbox UIDVALIDITY changed');
    }
    return this.resync();
  }

  /**
   * Appends by other processes raise the base's last UID in place. Without
   * reading it again, their X-UIDs (above our stale last UID) would not be
   * believed and the new mail would get other UIDs than APPENDUID reported
   * (and than later sessions see), for instance after mail appended before
   * it was expunged again.
   */
  private async followBase(): Promise<void> {
    const disk = this.state.disk;
    if (!disk) return;
    const line = (await readRange(this.file.fd, disk.lineStart, disk.lineEnd - disk.lineStart)).toString('latin1');
    const value = /^X-IMAP(?:base)?:(.*)$/is.exec(line.trimEnd())?.[1];
    const base = value === undefined ? undefined : parseBase(value);
    if (base && base.uidValidity === this.state.uidValidity) this.state.uidLast = Math.max(this.state.uidLast, base.uidLast);
  }

  private async resync(): Promise<number[]> {
    const { state: fresh, size, mtimeMs } = await loadFolder(this.file, this.readOnly);
    const outcome = mergeFresh(this.state, fresh);
    if ('gone' in outcome) return this.gone(outcome.gone);
    this.needsResync = false;
    this.known = { size, mtimeMs };
    await this.takeFingerprint();
    return [...outcome.flagsChanged];
  }

  private gone(why: string): never {
    this.dead = new MailError('corrupt', `Mailbox ${this.name} was changed incompatibly by another program: ${why}`);
    log('warning', `${this.file.path}: ${why}`);
    throw this.dead;
  }

  /** Writes pending changes, dropping rows selected by `drop` (and ghosts). Holds the write lock. */
  private async write(drop: (row: number) => boolean, removeGhosts: boolean): Promise<void> {
    const index = this.state.index;
    const size = (await statFile(this.file.fd)).size;
    const plan = planRewrite(this.state, this.file.fd, size, drop);
    if (!plan) {
      this.dirtySince = 0;
      return;
    }
    const planned = plan.written.map((row) => index.bits(row));
    const plannedKeywords = plan.written.map((row) => index.keywords(row));
    try {
      await commitRewrite(this.file, journalFor(this.context, this.file), size, plan.rewrite);
    } catch (error) {
      // After the commit the journal finishes the change on the next
      // access; until then our positions cannot be trusted.
      this.needsResync = true;
      throw error;
    }
    // A flag change made while the journal was being written stays pending.
    for (const [position, row] of plan.written.entries()) {
      if (index.bits(row) === planned[position] && index.keywords(row) === plannedKeywords[position]) index.setBits(row, afterWrite(index.bits(row)));
    }
    for (const [row, placement] of plan.placements) {
      index.setPlacement(row, placement);
      index.setServed(row, placement.servedHeader, placement.servedBody);
    }
    const removed = new Set<number>();
    for (let row = 0; row < index.length; row++) if (drop(row) || (removeGhosts && index.bits(row) & GHOST)) removed.add(row);
    if (removed.size > 0) index.retain((row) => !removed.has(row));
    const base = plan.base();
    this.state.disk = base
      ? { ...base, uidValidity: this.state.uidValidity, uidLast: this.state.uidLast, keywords: [...this.state.keywords] }
      : undefined;
    const stats = await statFile(this.file.fd);
    this.known = { size: stats.size, mtimeMs: stats.mtimeMs };
    this.state.scannedTo = stats.size;
    this.reader.reset();
    let pending = false;
    for (let row = 0; row < index.length && !pending; row++) pending = needsWrite(index.bits(row));
    this.dirtySince = pending ? this.dirtySince : 0;
    await this.takeFingerprint();
  }

  /** Reports removed rows (indexes before removal) as expunged, highest first. */
  private report(rows: readonly number[]): void {
    const sorted = [...rows].sort((a, b) => b - a);
    for (const row of sorted) {
      if (row < this.announced) {
        this.announced--;
        this.listener.expunged(row + 1);
      }
    }
  }
}
