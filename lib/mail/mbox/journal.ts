// Crash-safe changes to a mailbox file that must keep its inode (delivery
// agents hold it open; the spool directory is often not ours to rename in).
// Every change is a roll-forward journal: small in-place patches before
// `from`, and the complete new content of the file from `from` on. The
// journal is written beside the mailbox (or in the home directory when that
// directory is not writable), synced, and committed by rename; only then is
// the mailbox touched. A full disk therefore fails before any mail is.
//
// Applying keeps the file size unambiguous at every instant, so that mail a
// delivery agent appends after a crash (once our dot-lock has gone stale)
// is found and kept by recovery:
//   growing:   phase 1: extend with zeros (one ftruncate), sync, phase 2,
//              write patches and tail, sync.
//   shrinking: phase 1: write patches and tail, put a NUL just past the new
//              end, sync, phase 2, truncate, sync.
// Recovery reads the phase and the file to find where foreign data starts
// (delivery agents never write a NUL first), folds that data into a new
// journal, and applies it. See lib/mail/README.md.
import { closeSync, constants, existsSync, fstatSync, fsyncSync, openSync, readSync, renameSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { log } from '../../log/syslog';
import { MailError } from '../errors';
import { readAt, readRange, statFile, syncFile, truncateFile, writeAt, mailErrorFrom } from './file-io';
import type { SharedFile } from './shared-file';

export interface Patch {
  readonly at: number;
  readonly bytes: Buffer;
}

export interface TailSink {
  write(chunk: Buffer | string): Promise<void>;
  /** Bytes written so far (the offset of the next byte relative to `from`). */
  readonly written: number;
}

export interface Rewrite {
  readonly patches: readonly Patch[];
  /** Where the new tail starts; the file ends at from + tail length. */
  readonly from: number;
  /** Produces the new content of [from, end); omitted when the tail is kept as it is. */
  readonly writeTail?: (sink: TailSink) => Promise<void>;
}

interface Header {
  readonly v: 1;
  readonly path: string;
  readonly dev: number;
  readonly ino: number;
  readonly oldSize: number;
  readonly from: number;
  readonly tailLength: number;
  readonly patches: readonly (readonly [number, number])[];
  /** Up to 64 bytes before `from` (never changed by the journal), to recognise the file. */
  readonly prefix: string;
}

const MAGIC = 'imap-uw-ts mailbox journal\n';
const PHASE_OFFSET = 0;
const CHUNK = 1 << 20;
const PREFIX_BYTES = 64;

function syncDirectory(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dirname(path), constants.O_RDONLY | constants.O_DIRECTORY);
    fsyncSync(fd);
  } catch {
    // Some file systems refuse to sync directories; the rename still stands.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

/**
 * Collects the tail in large blocks: a rewrite regenerates thousands of
 * small pieces (From line, header, status block, body), and one write per
 * piece cost more than the data itself.
 */
class JournalWriter implements TailSink {
  written = 0;
  private readonly block = Buffer.allocUnsafe(CHUNK);
  private filled = 0;
  constructor(
    private readonly fd: number,
    private readonly tailOffset: number,
  ) {}
  async write(chunk: Buffer | string): Promise<void> {
    if (typeof chunk === 'string') {
      if (chunk.length > this.block.length - this.filled) await this.flush();
      if (chunk.length <= this.block.length) {
        this.filled += this.block.write(chunk, this.filled, 'latin1');
        this.written += chunk.length;
        return;
      }
    }
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    if (bytes.length > this.block.length - this.filled) await this.flush();
    if (bytes.length >= this.block.length) {
      await writeAt(this.fd, bytes, this.tailOffset + this.written);
    } else {
      this.filled += bytes.copy(this.block, this.filled);
    }
    this.written += bytes.length;
  }
  /** Writes out what is collected; `written` already counts it. */
  async flush(): Promise<void> {
    if (this.filled === 0) return;
    const at = this.tailOffset + this.written - this.filled;
    const data = this.block.subarray(0, this.filled);
    this.filled = 0;
    await writeAt(this.fd, data, at);
  }
}

/** Where the file's content will end after the journal is applied. */
function newEnd(header: Header): number {
  return header.tailLength >= 0 ? header.from + header.tailLength : header.oldSize;
}

/**
 * Writes and commits the journal for `rewrite`, then applies it. The caller
 * holds the write lock and knows the file is `oldSize` bytes long.
 * Returns the new file size. Throws MailError; when the failure came after
 * the commit the journal stays, and the next recovery finishes the change.
 */
export async function commitRewrite(
  file: SharedFile,
  journalPath: string,
  oldSize: number,
  rewrite: Rewrite,
  probe?: CrashProbe,
): Promise<number> {
  const temporary = `${journalPath}.new`;
  removeQuietly(temporary);
  let fd: number;
  try {
    fd = openSync(temporary, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    throw mailErrorFrom(error, `Can't create checkpoint journal ${temporary}`);
  }
  let header: Header;
  try {
    const prefixEnd = fingerprintEnd(rewrite.from, rewrite.patches.map((patch) => patch.at));
    const prefixStart = Math.max(0, prefixEnd - PREFIX_BYTES);
    const prefix = (await readRange(file.fd, prefixStart, prefixEnd - prefixStart)).toString('base64');
    const patchBytes = rewrite.patches.reduce((sum, patch) => sum + patch.bytes.length, 0);
    // The header is written twice: first with a placeholder tail length of
    // the right width, then (after the tail) for real.
    const draft = (tailLength: number): Header => ({
      v: 1, path: file.path, dev: file.dev, ino: file.ino, oldSize, from: rewrite.from, tailLength,
      patches: rewrite.patches.map((patch) => [patch.at, patch.bytes.length] as const), prefix,
    });
    const headerLine = (tailLength: number): Buffer => Buffer.from(`0${MAGIC}${asciiJson(draft(tailLength)).padEnd(40)}\n`);
    const placeholder = headerLine(1e15);
    const patchSink = new JournalWriter(fd, placeholder.length);
    for (const patch of rewrite.patches) await patchSink.write(patch.bytes);
    await patchSink.flush();
    const sink = new JournalWriter(fd, placeholder.length + patchBytes);
    if (rewrite.writeTail) await rewrite.writeTail(sink);
    await sink.flush();
    header = draft(rewrite.writeTail ? sink.written : -1);
    const final = Buffer.from(`1${MAGIC}${asciiJson(header).padEnd(placeholder.length - MAGIC.length - 2)}\n`);
    if (final.length !== placeholder.length) throw new Error('journal header size changed');
    await writeAt(fd, final, 0);
    await syncFile(fd);
  } catch (error) {
    closeSync(fd);
    removeQuietly(temporary);
    throw mailErrorFrom(error, `Can't write checkpoint journal ${temporary}`);
  }
  closeSync(fd);
  try {
    renameSync(temporary, journalPath);
  } catch (error) {
    removeQuietly(temporary);
    throw mailErrorFrom(error, `Can't commit checkpoint journal ${journalPath}`);
  }
  syncDirectory(journalPath);
  probe?.('committed');
  return applyJournal(file, journalPath, header, probe);
}

async function setPhase(journalFd: number, phase: '1' | '2'): Promise<void> {
  await writeAt(journalFd, Buffer.from(phase), PHASE_OFFSET);
  await syncFile(journalFd);
}

/** Copies `length` bytes from the journal at `source` into the mailbox at `target`. */
async function copyInto(journalFd: number, source: number, mailboxFd: number, target: number, length: number): Promise<void> {
  const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, length)));
  for (let done = 0; done < length; ) {
    const want = Math.min(buffer.length, length - done);
    const got = await readAt(journalFd, buffer, 0, want, source + done);
    if (got !== want) throw new Error('journal shorter than its header says');
    await writeAt(mailboxFd, buffer.subarray(0, got), target + done);
    done += got;
  }
}

/** The patches stored in a journal, read in one piece (they are small: status blocks). */
async function readPatches(journalFd: number, header: Header): Promise<Patch[]> {
  const total = header.patches.reduce((sum, [, length]) => sum + length, 0);
  const stored = Buffer.allocUnsafe(total);
  if ((await readAt(journalFd, stored, 0, total, headerLength(header))) !== total) throw new Error('journal shorter than its header says');
  let offset = 0;
  return header.patches.map(([at, length]) => {
    const bytes = stored.subarray(offset, offset + length);
    offset += length;
    return { at, bytes };
  });
}

/** Patches land all over the file: several writes in flight at once, not one round trip each. */
const WRITES_IN_FLIGHT = 32;

async function writeScattered(fd: number, patches: readonly Patch[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < patches.length) {
      const patch = patches[next++] as Patch;
      await writeAt(fd, patch.bytes, patch.at);
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITES_IN_FLIGHT, patches.length) }, worker));
}

function headerLength(header: Header): number {
  // Recomputed the way commitRewrite laid the file out.
  return Buffer.byteLength(`0${MAGIC}${asciiJson({ ...header, tailLength: 1e15 }).padEnd(40)}\n`);
}

/** JSON with every non-ASCII character escaped, so characters and bytes agree. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The fingerprint ends before the first byte the journal may change. */
function fingerprintEnd(from: number, patchOffsets: readonly number[]): number {
  return patchOffsets.reduce((lowest, at) => Math.min(lowest, at), from);
}

/** The moments between the steps of applying a journal. */
export type ApplyStep = 'committed' | 'extended' | 'phase-2' | 'written' | 'marked';

/** Called at each step; the crash tests throw from it to stop there, as a kill would. */
export type CrashProbe = (step: ApplyStep) => void;

async function applyJournal(file: SharedFile, journalPath: string, header: Header, probe?: CrashProbe): Promise<number> {
  const journalFd = openSync(journalPath, constants.O_RDWR | constants.O_NOFOLLOW);
  try {
    const end = newEnd(header);
    const body = headerLength(header);
    const tailAt = body + header.patches.reduce((sum, [, length]) => sum + length, 0);
    const writeContent = async (): Promise<void> => {
      await writeScattered(file.fd, await readPatches(journalFd, header));
      if (header.tailLength >= 0) await copyInto(journalFd, tailAt, file.fd, header.from, header.tailLength);
    };
    if (end > header.oldSize) {
      await truncateFile(file.fd, end);
      await syncFile(file.fd);
      probe?.('extended');
      await setPhase(journalFd, '2');
      probe?.('phase-2');
      await writeContent();
      await syncFile(file.fd);
      probe?.('written');
    } else {
      await writeContent();
      probe?.('written');
      if (end < header.oldSize) {
        await writeAt(file.fd, Buffer.from([0]), end);
        await syncFile(file.fd);
        probe?.('marked');
        await setPhase(journalFd, '2');
        probe?.('phase-2');
        await truncateFile(file.fd, end);
      }
      await syncFile(file.fd);
    }
  } catch (error) {
    throw mailErrorFrom(error, `Mailbox rewrite interrupted (will be completed on next access)`);
  } finally {
    closeSync(journalFd);
  }
  removeQuietly(journalPath);
  if (existsSync(journalPath)) log('err', `Can't remove the applied journal ${journalPath}; remove it by hand`);
  syncDirectory(journalPath);
  return newEnd(header);
}

/** The journal header and phase, or undefined when the file is not a complete journal. */
function readJournal(path: string): { header: Header; phase: string } | 'foreign' | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    // Only our own journals are believed: in a shared spool directory
    // another user could plant one to rewrite our mailbox.
    if (fstatSync(fd).uid !== process.geteuid?.()) return 'foreign';
    const buffer = Buffer.alloc(1 << 16);
    let text = '';
    let position = 0;
    for (;;) {
      const got = readSync(fd, buffer, 0, buffer.length, position);
      if (got === 0) return undefined;
      text += buffer.toString('latin1', 0, got);
      position += got;
      const second = text.indexOf('\n', MAGIC.length + 1);
      if (second >= 0) {
        if (text.slice(1, MAGIC.length + 1) !== MAGIC) return undefined;
        const header = JSON.parse(text.slice(MAGIC.length + 1, second)) as Header;
        return header.v === 1 ? { header, phase: text[0] ?? '0' } : undefined;
      }
      if (position > 64 << 20) return undefined;
    }
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Finishes an interrupted change, if `journalPath` holds one for this file.
 * The caller holds the write lock. Returns true when the file was changed.
 */
export async function recoverJournal(file: SharedFile, journalPath: string): Promise<boolean> {
  removeQuietly(`${journalPath}.new`);
  const found = readJournal(journalPath);
  if (found === 'foreign') {
    log('err', `Ignoring ${journalPath}: not owned by this user`);
    return false;
  }
  if (!found) {
    removeQuietly(journalPath);
    return false;
  }
  const { header, phase } = found;
  if (phase !== '1' && phase !== '2') {
    removeQuietly(journalPath);
    return false;
  }
  if (!(await belongsTo(file, header))) {
    const aside = `${journalPath}.orphan-${Date.now()}`;
    try {
      renameSync(journalPath, aside);
    } catch (error) {
      throw mailErrorFrom(error, `Can't set aside ${journalPath}`);
    }
    log('err', `Checkpoint journal ${journalPath} does not match ${file.path}; kept as ${aside}`);
    return false;
  }
  const size = (await statFile(file.fd)).size;
  const foreign = await foreignStart(file, header, phase, size);
  log('notice', `Completing interrupted rewrite of ${file.path} (${size - foreign} bytes delivered since)`);
  // Fold the mail delivered after the crash into a fresh journal, then
  // apply that: the result is [0, from) + patches + tail + delivered mail.
  const journalFd = openSync(journalPath, constants.O_RDONLY);
  try {
    const patches = await readPatches(journalFd, header);
    const tailAt = headerLength(header) + patches.reduce((sum, patch) => sum + patch.bytes.length, 0);
    const keepsTail = header.tailLength >= 0;
    const from = keepsTail ? header.from : header.oldSize;
    const rewrite: Rewrite = {
      patches,
      from,
      writeTail: async (sink) => {
        if (keepsTail) await copyOut(journalFd, tailAt, header.tailLength, sink);
        await copyOut(file.fd, foreign, size - foreign, sink);
      },
    };
    await commitRewrite(file, journalPath, size, rewrite);
  } finally {
    closeSync(journalFd);
  }
  return true;
}

async function copyOut(fd: number, position: number, length: number, sink: TailSink): Promise<void> {
  const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, length)));
  for (let done = 0; done < length; ) {
    const got = await readAt(fd, buffer, 0, Math.min(buffer.length, length - done), position + done);
    if (got === 0) throw new MailError('corrupt', 'file shrank during recovery');
    await sink.write(buffer.subarray(0, got));
    done += got;
  }
}

async function belongsTo(file: SharedFile, header: Header): Promise<boolean> {
  if (header.dev !== file.dev || header.ino !== file.ino) return false;
  const expected = Buffer.from(header.prefix, 'base64');
  const end = fingerprintEnd(header.from, header.patches.map(([at]) => at));
  const actual = await readRange(file.fd, end - expected.length, expected.length);
  return actual.equals(expected);
}

/** Where data that is not ours begins, given the phase reached before the crash. */
async function foreignStart(file: SharedFile, header: Header, phase: string, size: number): Promise<number> {
  const end = newEnd(header);
  const byteAt = async (position: number): Promise<number | undefined> => (await readRange(file.fd, position, 1))[0];
  if (end > header.oldSize) {
    if (phase === '2') return end;
    return size > header.oldSize && (await byteAt(header.oldSize)) === 0 ? end : header.oldSize;
  }
  if (end < header.oldSize && phase === '2') {
    return size > end && (await byteAt(end)) === 0 ? header.oldSize : end;
  }
  return header.oldSize;
}

/** Where the journal of a mailbox lives: beside it when that directory is writable. */
export function journalPaths(mailboxPath: string, home: string, dev: number, ino: number): string[] {
  const slash = mailboxPath.lastIndexOf('/');
  const directory = mailboxPath.slice(0, slash + 1);
  const name = mailboxPath.slice(slash + 1);
  return [`${directory}.${name}.imapjournal`, `${home.replace(/\/$/, '')}/.${name}.${dev.toString(16)}.${ino.toString(16)}.imapjournal`];
}
