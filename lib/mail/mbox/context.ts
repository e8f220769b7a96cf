// What every mbox operation needs to know about its surroundings: whose mail
// it is (the From line of appended mail, where journals may go) and how to
// lock. Also the shared steps every writer takes first.
import { accessSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import type { LockSettings } from '../lock/mailbox-lock';
import { statFile } from './file-io';
import { FolderState } from './folder';
import { journalPaths, recoverJournal } from './journal';
import { scanMailbox } from './scanner';
import type { SharedFile } from './shared-file';
import { MailError } from '../errors';

export interface MboxContext {
  readonly userName: string;
  readonly home: string;
  readonly lock: LockSettings;
  /** The sender part of From lines UW writes: user@host. */
  readonly sender: string;
}

function writableDirectory(path: string): boolean {
  try {
    accessSync(dirname(path), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The journal to write for `file`: beside it when possible, else in the home directory. */
export function journalFor(context: MboxContext, file: SharedFile): string {
  const [beside, inHome] = journalPaths(file.path, context.home, file.dev, file.ino) as [string, string];
  return writableDirectory(beside) || !writableDirectory(inHome) ? beside : inHome;
}

/** Completes any interrupted rewrite of `file`. Needs the write lock. */
export async function recoverAll(context: MboxContext, file: SharedFile): Promise<boolean> {
  let changed = false;
  for (const path of journalPaths(file.path, context.home, file.dev, file.ino)) {
    if (await recoverJournal(file, path)) changed = true;
  }
  return changed;
}

/**
 * Whether a journal for `file` is waiting (cheap check before taking the
 * write lock). A half-written one counts too: its writer died (writers hold
 * the lock), and recovery removes it instead of leaving a copy of the
 * mailbox's tail on the disk until the next change.
 */
export function journalPending(context: MboxContext, file: SharedFile): boolean {
  const paths = journalPaths(file.path, context.home, file.dev, file.ino);
  return [...paths, ...paths.map((path) => `${path}.new`)].some((path) => {
    try {
      accessSync(path, constants.F_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Scans the whole file into a new FolderState. Throws MailError('corrupt') for non-mailboxes. */
export async function loadFolder(file: SharedFile, readOnly: boolean): Promise<{ state: FolderState; size: number; mtimeMs: number }> {
  const stats = await statFile(file.fd);
  const state = new FolderState(readOnly);
  if (stats.size > 0) {
    const outcome = await scanMailbox(file.fd, 0, stats.size, { firstInFile: true }, (message) => state.add(message));
    if (!outcome.ok) throw new MailError('corrupt', `${file.path} is not a Berkeley mailbox (no From line at offset ${outcome.at})`);
  }
  state.finishFullScan(stats.size);
  return { state, size: stats.size, mtimeMs: stats.mtimeMs };
}
