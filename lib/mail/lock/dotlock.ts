// The dot-lock "<mailbox>.lock" that delivery agents (procmail, Postfix
// local, dotlockfile, UW's mlock) agree on. It is made the NFS-safe way: a
// unique "hitching post" file is linked to the lock name and the link count
// decides, because link() can report failure over NFS after it succeeded.
// Where hard links are impossible, O_EXCL creation is used. A lock is stale
// when its ctime is more than five minutes old (UW's rule), or when it names
// a process that is gone; attempts repeat once a second. The lock holds our
// PID, so liblockfile-based agents can tell when we died holding it.
import { closeSync, constants, linkSync, openSync, readFileSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { MailError } from '../errors';

export const STALE_AFTER_MS = 5 * 60 * 1000;
const RETRY_MS = 1000;

export type DotLockAttempt = 'locked' | 'busy' | 'no-access';

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

function createExclusive(path: string): number {
  return openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
}

function isNoAccess(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM' || code === 'EROFS';
}

/** Our PID in the lock, for liblockfile's dead-holder check; a full disk leaves it empty. */
function writePid(fd: number): void {
  try {
    writeSync(fd, `${process.pid}\n`);
  } catch {
    // An empty lock is still a lock.
  } finally {
    closeSync(fd);
  }
}

/** One attempt to take `lockPath`. */
export function tryDotLock(lockPath: string, now = Date.now()): DotLockAttempt {
  const post = `${lockPath}.${hostname().replace(/[/\s]/g, '_')}.${process.pid}.${now.toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  let fd: number;
  try {
    fd = createExclusive(post);
  } catch (error) {
    if (isNoAccess(error)) return 'no-access';
    throw error;
  }
  writePid(fd);
  let won = false;
  try {
    try {
      linkSync(post, lockPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPERM' || code === 'ENOSYS' || code === 'EOPNOTSUPP') return exclusiveFallback(lockPath, now);
      // EEXIST, or an NFS reply lost after success: the link count decides.
    }
    won = statSync(post).nlink === 2;
  } finally {
    removeQuietly(post);
  }
  if (won) return 'locked';
  breakIfStale(lockPath, now);
  return 'busy';
}

function exclusiveFallback(lockPath: string, now: number): DotLockAttempt {
  try {
    writePid(createExclusive(lockPath));
    return 'locked';
  } catch (error) {
    if (isNoAccess(error)) return 'no-access';
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    breakIfStale(lockPath, now);
    return 'busy';
  }
}

/**
 * Removes a lock older than five minutes (UW's rule), or one holding the
 * PID of a process that no longer exists (liblockfile's rule, which assumes
 * the lock was made on this host, as mail spools shared over NFS are not).
 */
function breakIfStale(lockPath: string, now: number): void {
  try {
    if (now - statSync(lockPath).ctimeMs > STALE_AFTER_MS || holderIsGone(lockPath)) unlinkSync(lockPath);
  } catch {
    // Vanished meanwhile, or not ours to remove: try again later.
  }
}

function holderIsGone(lockPath: string): boolean {
  const text = readFileSync(lockPath, 'latin1');
  if (!/^\d+\n?$/.test(text)) return false;
  const pid = Number(text.trim());
  if (pid <= 1) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export interface HeldDotLock {
  /** Keeps the lock fresh during long operations (others judge staleness by ctime). */
  refresh(): void;
  /** Resolves once the lock is gone (the helper takes a moment). */
  release(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes the dot-lock, retrying once a second until `timeoutMs`. Resolves to
 * undefined when the directory does not let us create it (the caller then
 * tries the mlock helper). Throws MailError('temporary') on timeout.
 */
export async function acquireDotLock(mailboxPath: string, timeoutMs: number): Promise<HeldDotLock | undefined> {
  const lockPath = `${mailboxPath}.lock`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let attempt: DotLockAttempt;
    try {
      attempt = tryDotLock(lockPath);
    } catch (error) {
      const full = ['ENOSPC', 'EDQUOT'].includes((error as NodeJS.ErrnoException).code ?? '');
      throw new MailError(full ? 'over-quota' : 'temporary', `Can't lock ${mailboxPath}: ${(error as Error).message}`, { cause: error });
    }
    if (attempt === 'no-access') return undefined;
    if (attempt === 'locked') return heldLock(lockPath);
    if (Date.now() >= deadline) throw new MailError('temporary', 'Mailbox is locked by another process');
    await sleep(RETRY_MS);
  }
}

/** Renews a lock's ctime (others judge staleness by it). */
export function touchLock(lockPath: string): void {
  try {
    const now = new Date();
    utimesSync(lockPath, now, now);
  } catch {
    // Broken by someone else: nothing sensible to do mid-operation.
  }
}

/** A held lock at `lockPath`, given up by `giveUp` (once). */
export function heldLock(lockPath: string, giveUp: () => Promise<void> | void = () => removeQuietly(lockPath)): HeldDotLock {
  let held = true;
  return {
    refresh(): void {
      if (held) touchLock(lockPath);
    },
    async release(): Promise<void> {
      if (!held) return;
      held = false;
      await giveUp();
    },
  };
}
