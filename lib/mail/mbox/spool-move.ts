// UW's ~/mbox rule: when ~/mbox exists it is INBOX, and mail delivered to
// the spool is moved into it. Both files are locked (~/mbox by the caller,
// then the spool). The move is two journaled changes, the append to ~/mbox
// and the emptying of the spool; a marker written before them says what is
// being moved, so that a crash between the two neither loses the mail nor
// moves it twice: on the next attempt, mail already appended is only
// removed from the spool.
import { closeSync, fsyncSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { log } from '../../log/syslog';
import { withMailboxLock, type LockedSection } from '../lock/mailbox-lock';
import { appendLocked, type PendingMessage } from './append';
import { journalFor, loadFolder, recoverAll, type MboxContext } from './context';
import { readRange, statFile } from './file-io';
import { commitRewrite, type TailSink } from './journal';
import { servedMessage } from './message-text';
import { openShared, type SharedFile } from './shared-file';
import { FLAG_NAMES } from './status-headers';

interface MoveMarker {
  readonly spool: string;
  readonly spoolIno: number;
  /** Spool bytes [0, moved) are being moved. */
  readonly moved: number;
  readonly targetIno: number;
  readonly targetSizeBefore: number;
}

function markerPath(context: MboxContext): string {
  return join(context.home, '.imap-spool-move');
}

function readMarker(context: MboxContext): MoveMarker | undefined {
  try {
    return JSON.parse(readFileSync(markerPath(context), 'utf8')) as MoveMarker;
  } catch {
    return undefined;
  }
}

function writeDurably(path: string, text: string): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function removeMarker(context: MboxContext): void {
  try {
    unlinkSync(markerPath(context));
  } catch {
    // Not there.
  }
}

/** Removes spool bytes [0, moved), keeping anything delivered after them. */
async function dropMoved(context: MboxContext, spool: SharedFile, moved: number): Promise<void> {
  const size = (await statFile(spool.fd)).size;
  const writeTail = async (sink: TailSink): Promise<void> => {
    for (let at = moved; at < size; at += 1 << 20) await sink.write(await readRange(spool.fd, at, Math.min(1 << 20, size - at)));
  };
  await commitRewrite(spool, journalFor(context, spool), size, { patches: [], from: 0, writeTail });
}

/**
 * Moves the spool's mail into `target` (~/mbox, whose write lock the caller
 * holds). Does nothing when the spool is missing, empty or not ours to empty.
 */
export async function moveSpoolMail(context: MboxContext, spoolPath: string, target: SharedFile, section: LockedSection): Promise<void> {
  let spool: SharedFile;
  try {
    spool = openShared(spoolPath);
  } catch {
    return;
  }
  try {
    if (!spool.writable) return;
    const marker = readMarker(context);
    if (marker === undefined && (await statFile(spool.fd)).size === 0) return;
    await withMailboxLock(spool, 'write', context.lock, async () => {
      await recoverAll(context, spool);
      if (marker && marker.spool === spoolPath && marker.spoolIno === spool.ino && marker.targetIno === target.ino) {
        if ((await statFile(target.fd)).size > marker.targetSizeBefore) {
          log('notice', `Finishing an interrupted move of ${spoolPath} into ${target.path}`);
          await dropMoved(context, spool, marker.moved);
        }
      }
      removeMarker(context);
      const { state, size } = await loadFolder(spool, true);
      if (state.index.length === 0) return;
      const index = state.index;
      const messages: PendingMessage[] = [];
      for (let row = 0; row < index.length; row++) {
        const bits = index.bits(row);
        messages.push({
          flags: [...FLAG_NAMES.filter(([bit]) => bits & bit).map(([, name]) => name), ...state.keywordNames(index.keywords(row))],
          internalDate: new Date(index.timeOf(row)),
          data: async () => servedMessage(await readRange(spool.fd, index.startOf(row), index.endOf(row) - index.startOf(row)), index, row),
        });
      }
      const before: MoveMarker = {
        spool: spoolPath,
        spoolIno: spool.ino,
        moved: size,
        targetIno: target.ino,
        targetSizeBefore: (await statFile(target.fd)).size,
      };
      writeDurably(markerPath(context), JSON.stringify(before));
      await appendLocked(context, target, messages, section);
      await dropMoved(context, spool, size);
      removeMarker(context);
    });
  } finally {
    await spool.release();
  }
}
