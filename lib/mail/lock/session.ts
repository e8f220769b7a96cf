// One read-write session per mailbox, the way UW imapd arranges it: an
// flock on /tmp/.<dev>.<inode> (hexadecimal, mode 0666 so every user's
// session can lock it). Using UW's own file name means UW imapd and this
// server exclude each other too. A second session gets the mailbox
// read-only (POP3 asks for `exclusive` and is refused instead). We never
// write our PID into the file: UW would then send us its "kiss of death"
// signal to take the mailbox over, which we do not support.
import { closeSync, constants, fchmodSync, fstatSync, openSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { haveKernelLocks, tryFlock } from './kernel';

export interface SessionLock {
  release(): void;
}

export function sessionLockPath(dev: number, ino: number, directory = '/tmp'): string {
  return join(directory, `.${dev.toString(16)}.${ino.toString(16)}`);
}

/**
 * Takes the session lock of the mailbox file (dev, ino), or returns
 * undefined when another session holds it. Without kernel locks every
 * session is read-write, as before UW had the lock.
 */
export function trySessionLock(dev: number, ino: number, directory = '/tmp'): SessionLock | undefined {
  const path = sessionLockPath(dev, ino, directory);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o666);
    } catch {
      // Cannot even create it (a hostile symlink, a full /tmp): the
      // mailbox stays usable, read-write, as UW allows.
      return { release: () => undefined };
    }
    const stats = fstatSync(fd);
    if (!stats.isFile() || !tryFlock(fd)) {
      closeSync(fd);
      return undefined;
    }
    try {
      fchmodSync(fd, 0o666);
    } catch {
      // Someone else's file: fine as it is.
    }
    // The holder before us may have unlinked the file after we opened it:
    // then our lock is on an orphan, so try again with the current file.
    if (sameFile(path, stats.ino)) return held(fd, path);
    closeSync(fd);
  }
  return undefined;
}

function sameFile(path: string, ino: number): boolean {
  try {
    return statSync(path).ino === ino;
  } catch {
    return false;
  }
}

function held(fd: number, path: string): SessionLock {
  let open = true;
  return {
    release(): void {
      if (!open) return;
      open = false;
      if (haveKernelLocks()) {
        try {
          unlinkSync(path);
        } catch {
          // Not ours to remove (sticky /tmp) or already gone.
        }
      }
      closeSync(fd);
    },
  };
}
