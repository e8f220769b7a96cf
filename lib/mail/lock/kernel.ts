// Kernel locks on the mailbox descriptor, so that programs that lock only
// that way are excluded too: fcntl (procmail, Postfix local, Dovecot, mutt)
// and flock (UW c-client). Node has neither; fs-ext provides both and is
// loaded on first use. Without it the dot-lock alone guards the mailbox and
// a warning is logged once, as UW does when it cannot lock.
import { createRequire } from 'node:module';
import { log } from '../../log/syslog';

interface FsExt {
  fcntlSync(fd: number, command: 'setlk', lockType: number): number;
  flockSync(fd: number, flags: 'exnb' | 'shnb' | 'un'): void;
  readonly constants: { readonly F_RDLCK: number; readonly F_WRLCK: number; readonly F_UNLCK: number };
}

let fsExt: FsExt | null | undefined;

function native(): FsExt | null {
  if (fsExt !== undefined) return fsExt;
  try {
    fsExt = createRequire(__filename)('fs-ext') as FsExt;
  } catch (error) {
    fsExt = null;
    log('warning', `Kernel mailbox locks unavailable (fs-ext: ${(error as Error).message}); using dot-locks only`);
  }
  return fsExt;
}

export function haveKernelLocks(): boolean {
  return native() !== null;
}

function isBusy(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EAGAIN' || code === 'EACCES' || code === 'EWOULDBLOCK';
}

/**
 * Tries once to take both kernel locks, shared or exclusive. Returns false
 * (holding neither) when another process holds a conflicting lock.
 */
export function tryKernelLock(fd: number, exclusive: boolean): boolean {
  const ext = native();
  if (!ext) return true;
  try {
    ext.fcntlSync(fd, 'setlk', exclusive ? ext.constants.F_WRLCK : ext.constants.F_RDLCK);
  } catch (error) {
    if (isBusy(error)) return false;
    // EBADF (a read-only descriptor asking for a write lock) or ENOLCK (NFS
    // without a lock manager): take what is possible.
    if (exclusive) return tryKernelLock(fd, false);
  }
  try {
    ext.flockSync(fd, exclusive ? 'exnb' : 'shnb');
  } catch (error) {
    if (isBusy(error)) {
      unlockKernel(fd);
      return false;
    }
  }
  return true;
}

export function unlockKernel(fd: number): void {
  const ext = native();
  if (!ext) return;
  try {
    ext.flockSync(fd, 'un');
  } catch {
    // Not held.
  }
  try {
    ext.fcntlSync(fd, 'setlk', ext.constants.F_UNLCK);
  } catch {
    // Not held.
  }
}

/** flock alone (UW's session lock files); true when taken or unavailable. */
export function tryFlock(fd: number): boolean {
  const ext = native();
  if (!ext) return true;
  try {
    ext.flockSync(fd, 'exnb');
    return true;
  } catch (error) {
    return !isBusy(error);
  }
}
