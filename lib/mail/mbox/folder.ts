// What a scan of the file means for IMAP: the folder base (UIDVALIDITY, last
// UID, keywords), UIDs for every message, keyword masks and \Recent. X-UID
// values are believed only when the file has a base and they ascend within
// it, as UW does; any other message gets the next UID, in file order, so
// every session that reads the same file assigns the same UIDs.
import { DIRTY, MessageIndex, NO_UID, RECENT } from './message-index';
import type { ScannedMessage } from './scanner';
import { MAX_KEYWORDS, OLD, type FolderBase } from './status-headers';

export interface DiskBase extends FolderBase {
  /** UW's pseudo-message (X-IMAP:) rather than X-IMAPbase: in the first message. */
  readonly pseudo: boolean;
  readonly lineStart: number;
  readonly lineEnd: number;
  /** Start of the pseudo-message; the first real message follows it. */
  readonly messageStart: number;
}

export class FolderState {
  readonly index = new MessageIndex();
  keywords: string[] = [];
  uidValidity = 0;
  uidLast = 0;
  disk: DiskBase | undefined;
  /** File size covered by the index. */
  scannedTo = 0;
  private previousUid = 0;
  private sawFirst = false;

  constructor(readonly readOnly: boolean) {}

  /** Whether the base written in the file differs from the one in memory. */
  get baseDirty(): boolean {
    const disk = this.disk;
    if (!disk) return this.index.length > 0;
    return (
      disk.uidValidity !== this.uidValidity ||
      disk.uidLast !== this.uidLast ||
      disk.keywords.length !== this.keywords.length ||
      disk.keywords.some((word, index) => word !== this.keywords[index])
    );
  }

  get canCreateKeywords(): boolean {
    return !this.readOnly && this.keywords.length < MAX_KEYWORDS;
  }

  /** Index of keyword `name` (case-insensitive), creating it when allowed; -1 when not. */
  keywordIndex(name: string, create: boolean): number {
    const upper = name.toUpperCase();
    const found = this.keywords.findIndex((word) => word.toUpperCase() === upper);
    if (found >= 0 || !create || this.keywords.length >= MAX_KEYWORDS) return found;
    this.keywords.push(name);
    return this.keywords.length - 1;
  }

  keywordMask(names: readonly string[]): number {
    let mask = 0;
    for (const name of names) {
      const index = this.keywordIndex(name, true);
      if (index >= 0) mask |= 1 << index;
    }
    return mask >>> 0;
  }

  keywordNames(mask: number): string[] {
    const names: string[] = [];
    for (let bit = 0; bit < this.keywords.length; bit++) if (mask & (1 << bit)) names.push(this.keywords[bit] ?? '');
    return names;
  }

  /** Takes in one scanned message (in file order). Returns its index, or -1 for the pseudo-message. */
  add(message: ScannedMessage): number {
    const first = !this.sawFirst;
    this.sawFirst = true;
    if (first && message.base) {
      const { base, pseudo, lineStart, lineEnd } = message.base;
      this.uidValidity = base.uidValidity;
      this.uidLast = base.uidLast;
      this.keywords = [...base.keywords];
      this.disk = { ...base, keywords: [...base.keywords], pseudo, lineStart, lineEnd, messageStart: message.start };
      if (pseudo) return -1;
    }
    let uid = message.uid;
    let bits = message.bits;
    const believable = this.disk !== undefined && uid > this.previousUid && uid <= this.uidLast;
    if (!believable) {
      uid = ++this.uidLast;
      bits |= NO_UID;
    }
    this.previousUid = uid;
    if (!(bits & OLD)) {
      bits |= RECENT;
      // A read-write session takes the messages over: O is written at the
      // next checkpoint, so no later session sees them as \Recent.
      if (!this.readOnly) bits |= OLD | DIRTY;
    }
    return this.index.pushScanned(message, uid, bits, message.keywords.length > 0 ? this.keywordMask(message.keywords) : 0);
  }

  /** After a whole-file scan: a file without a base gets a new UIDVALIDITY. */
  finishFullScan(size: number): void {
    this.scannedTo = size;
    if (!this.disk) this.uidValidity = Math.floor(Date.now() / 1000);
  }

  /** The first message of the file has been seen (tail scans start later). */
  markFirstSeen(): void {
    this.sawFirst = true;
  }
}
