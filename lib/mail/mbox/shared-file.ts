// One descriptor per mailbox file per process. POSIX drops every fcntl lock
// a process holds on a file as soon as it closes *any* descriptor of that
// file, so a STATUS or APPEND on the selected mailbox must not open and close
// a second descriptor while the selected mailbox is locked. Everything in
// the mbox driver opens mailbox files here, and a descriptor is closed only
// when its last user lets go. The entry also serialises the process's own
// locked sections on that file.
import { constants, fstatSync, lstatSync, openSync, statSync } from 'node:fs';
import { closeFile, mailErrorFrom } from './file-io';

export interface SharedFile {
  readonly path: string;
  readonly fd: number;
  readonly dev: number;
  readonly ino: number;
  readonly writable: boolean;
  /**
   * Shared by every user of the file in this process: the UIDVALIDITY an
   * open session announced for a file that has no base yet, so that an
   * APPEND which writes the base uses the same one.
   */
  readonly hints: { uidValidity?: number };
  /** Runs `task` after every earlier task on this file has finished. */
  serialize<T>(task: () => Promise<T>): Promise<T>;
  release(): Promise<void>;
}

interface Entry {
  readonly path: string;
  readonly fd: number;
  readonly dev: number;
  readonly ino: number;
  readonly writable: boolean;
  refs: number;
  queue: Promise<unknown>;
  /** Extra descriptors of the same file, closed only with the entry. */
  readonly spare: number[];
  readonly hints: { uidValidity?: number };
}

const open = new Map<string, Entry>();

function keyOf(dev: number, ino: number): string {
  return `${dev}:${ino}`;
}

/**
 * Opens (or shares) the mailbox file at `path`: read-write when allowed,
 * otherwise read-only. Never follows a symbolic link in the last component
 * when `noFollow` is set. Throws MailError.
 */
export function openShared(path: string, options: { create?: boolean; mode?: number; noFollow?: boolean } = {}): SharedFile {
  const known = existing(path, options.noFollow ?? false);
  if (known) {
    known.entry.refs++;
    return handle(known.entry, known.key);
  }
  const extra = (options.create ? constants.O_CREAT : 0) | (options.noFollow ? constants.O_NOFOLLOW : 0);
  let fd: number;
  let writable = true;
  try {
    fd = openSync(path, constants.O_RDWR | extra, options.mode ?? 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EROFS' && code !== 'EPERM') throw mailErrorFrom(error, `Can't open ${path}`);
    try {
      fd = openSync(path, constants.O_RDONLY | (options.noFollow ? constants.O_NOFOLLOW : 0));
      writable = false;
    } catch (second) {
      throw mailErrorFrom(second, `Can't open ${path}`);
    }
  }
  const stats = fstatSync(fd);
  if (!stats.isFile()) {
    void closeFile(fd);
    throw mailErrorFrom(Object.assign(new Error('not a regular file'), { code: 'EISDIR' }), `Can't open ${path}`);
  }
  const key = keyOf(stats.dev, stats.ino);
  const raced = open.get(key);
  if (raced) {
    // Another opener won the race. Closing our descriptor now would drop
    // fcntl locks held through theirs, so it closes with the entry.
    raced.spare.push(fd);
    raced.refs++;
    return handle(raced, key);
  }
  const entry: Entry = { path, fd, dev: stats.dev, ino: stats.ino, writable, refs: 1, queue: Promise.resolve(), spare: [], hints: {} };
  open.set(key, entry);
  return handle(entry, key);
}

function existing(path: string, noFollow: boolean): { entry: Entry; key: string } | undefined {
  let stats;
  try {
    stats = noFollow ? lstatSync(path) : statSync(path);
  } catch {
    return undefined;
  }
  const key = keyOf(stats.dev, stats.ino);
  const entry = open.get(key);
  return entry ? { entry, key } : undefined;
}

function handle(entry: Entry, key: string): SharedFile {
  let released = false;
  return {
    path: entry.path,
    fd: entry.fd,
    dev: entry.dev,
    ino: entry.ino,
    writable: entry.writable,
    hints: entry.hints,
    serialize<T>(task: () => Promise<T>): Promise<T> {
      const run = entry.queue.then(task, task);
      entry.queue = run.catch(() => undefined);
      return run;
    },
    async release(): Promise<void> {
      if (released) return;
      released = true;
      entry.refs--;
      if (entry.refs > 0) return;
      if (open.get(key) === entry) open.delete(key);
      const fds = [entry.fd, ...entry.spare];
      await Promise.all(fds.map((fd) => closeFile(fd).catch(() => undefined)));
    },
  };
}

/** Whether this process has the file open (tests and diagnostics). */
export function isOpenHere(dev: number, ino: number): boolean {
  return open.has(keyOf(dev, ino));
}
