// Catching up after another program changed the file in a way that is not
// an append (mutt or UW rewrote it, a read-write session of ours saved
// flags). The file is scanned afresh and matched to what the session knows
// by UID, never by position or content: messages whose UID is gone become
// ghosts (reported as expunged when the protocol allows), known UIDs take
// their new positions and outside flag changes, and new UIDs must be above
// everything the session has seen. UIDs that exist only in memory (X-UID
// not yet written) cannot be matched safely: such messages are treated as
// gone, and unnumbered messages in the new file as new mail.
import { DIRTY, GHOST, NO_UID } from './message-index';
import type { FolderState } from './folder';
import { OLD, SYSTEM_BITS } from './status-headers';

export type ResyncOutcome =
  | { readonly gone: string }
  | {
      /** Row indexes (before ghosts are removed) whose flags changed. */
      readonly flagsChanged: readonly number[];
      /** Rows that became ghosts in this resync. */
      readonly ghosts: number;
    };

export function mergeFresh(state: FolderState, fresh: FolderState): ResyncOutcome {
  if (!state.disk) return { gone: 'the mailbox was rewritten before its UIDs were saved' };
  if (!fresh.disk || fresh.uidValidity !== state.uidValidity) return { gone: 'the mailbox UIDVALIDITY changed' };
  const index = state.index;
  const incoming = fresh.index;
  const flagsChanged: number[] = [];
  const matched = new Uint8Array(index.length);
  const newcomers: number[] = [];
  let sawUnnumbered = false;
  for (let row = 0; row < incoming.length; row++) {
    const bits = incoming.bits(row);
    const uid = incoming.uid(row);
    const unnumbered = (bits & NO_UID) !== 0;
    if (unnumbered) {
      sawUnnumbered = true;
      newcomers.push(row);
      continue;
    }
    if (sawUnnumbered) return { gone: 'numbered mail follows unnumbered mail' };
    const known = index.find(uid);
    if (known < 0 || index.bits(known) & GHOST) {
      if (uid <= state.uidLast) return { gone: `message UID ${uid} reappeared` };
      newcomers.push(row);
      continue;
    }
    matched[known] = 1;
    const current = index.bits(known);
    index.setPlacement(known, incoming.row(row));
    if (current & DIRTY) continue; // our own pending change wins
    const keywords = state.keywordMask(fresh.keywordNames(incoming.keywords(row)));
    const outsideBits = bits & (SYSTEM_BITS | OLD);
    index.setBits(known, (current & ~(SYSTEM_BITS | OLD | NO_UID)) | outsideBits);
    if ((current & (SYSTEM_BITS | OLD)) !== outsideBits || index.keywords(known) !== keywords) {
      index.setKeywords(known, keywords);
      flagsChanged.push(known);
    }
  }
  let ghosts = 0;
  for (let row = 0; row < index.length; row++) {
    if (matched[row] || index.bits(row) & GHOST) continue;
    index.setBits(row, index.bits(row) | GHOST);
    ghosts++;
  }
  // Fresh was scanned with the same read-only setting, so its rows already
  // carry \Recent ownership and pending-write marks.
  for (const row of newcomers) {
    const source = incoming.row(row);
    const uid = source.bits & NO_UID ? state.uidLast + 1 : source.uid;
    state.uidLast = Math.max(state.uidLast, uid);
    index.push({ ...source, uid, keywords: state.keywordMask(fresh.keywordNames(source.keywords)) });
  }
  state.uidLast = Math.max(state.uidLast, fresh.disk.uidLast);
  for (const word of fresh.keywords) state.keywordIndex(word, true);
  state.disk = fresh.disk;
  state.scannedTo = fresh.scannedTo;
  return { flagsChanged, ghosts };
}
