// The in-memory index of an open mailbox: one row per message in typed
// arrays (62 bytes a message), so that 100,000 messages cost about 6 MB and
// no message text is ever kept. Offsets are file positions; sizes are of the
// CRLF form IMAP serves.

/** Session bits kept beside the status bits of status-headers.ts. */
export const RECENT = 64;
/** The status headers on disk no longer match the flags. */
export const DIRTY = 128;
/** The message has no X-UID on disk yet. */
export const NO_UID = 256;
/** Removed from the file by another program; reported at the next poll. */
export const GHOST = 512;

/** Where a message is in the file and how big it is served (shared by scan results and index rows). */
export interface MessageLayout {
  readonly start: number;
  readonly headerStart: number;
  readonly bodyStart: number;
  readonly end: number;
  readonly servedHeader: number;
  readonly servedBody: number;
  readonly time: number;
  readonly statusStart: number;
  readonly statusEnd: number;
}

export interface MessageRow extends MessageLayout {
  readonly uid: number;
  readonly bits: number;
  /** Bit n set: the folder's keyword n. */
  readonly keywords: number;
}

export class MessageIndex {
  length = 0;
  private capacity = 0;
  private start = new Float64Array(0);
  private headerDelta = new Uint32Array(0);
  private bodyDelta = new Uint32Array(0);
  private end = new Float64Array(0);
  private servedHeader = new Uint32Array(0);
  private servedBody = new Float64Array(0);
  private time = new Float64Array(0);
  private uids = new Uint32Array(0);
  private bitsOf = new Uint16Array(0);
  private keywordMask = new Uint32Array(0);
  private statusDelta = new Int32Array(0);
  private statusLength = new Uint32Array(0);

  private grow(): void {
    const capacity = Math.max(64, this.capacity * 2);
    const widen = <A extends Float64Array | Uint32Array | Uint16Array | Int32Array>(old: A, make: (n: number) => A): A => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.start = widen(this.start, (n) => new Float64Array(n));
    this.headerDelta = widen(this.headerDelta, (n) => new Uint32Array(n));
    this.bodyDelta = widen(this.bodyDelta, (n) => new Uint32Array(n));
    this.end = widen(this.end, (n) => new Float64Array(n));
    this.servedHeader = widen(this.servedHeader, (n) => new Uint32Array(n));
    this.servedBody = widen(this.servedBody, (n) => new Float64Array(n));
    this.time = widen(this.time, (n) => new Float64Array(n));
    this.uids = widen(this.uids, (n) => new Uint32Array(n));
    this.bitsOf = widen(this.bitsOf, (n) => new Uint16Array(n));
    this.keywordMask = widen(this.keywordMask, (n) => new Uint32Array(n));
    this.statusDelta = widen(this.statusDelta, (n) => new Int32Array(n));
    this.statusLength = widen(this.statusLength, (n) => new Uint32Array(n));
    this.capacity = capacity;
  }

  /** Appends a row; returns its index (0-based). */
  push(row: MessageRow): number {
    return this.pushScanned(row, row.uid, row.bits, row.keywords);
  }

  /** Appends a freshly scanned message (UID, bits and keyword mask decided by the caller). */
  pushScanned(message: MessageLayout, uid: number, bits: number, keywords: number): number {
    if (this.length === this.capacity) this.grow();
    const index = this.length++;
    this.setPlacement(index, message);
    this.servedHeader[index] = message.servedHeader;
    this.servedBody[index] = message.servedBody;
    this.time[index] = message.time;
    this.uids[index] = uid;
    this.bitsOf[index] = bits;
    this.keywordMask[index] = keywords;
    return index;
  }

  /** Moves a message's file position (after a rewrite); sizes stay. */
  setPlacement(index: number, row: Pick<MessageRow, 'start' | 'headerStart' | 'bodyStart' | 'end' | 'statusStart' | 'statusEnd'>): void {
    this.start[index] = row.start;
    this.headerDelta[index] = row.headerStart - row.start;
    this.bodyDelta[index] = row.bodyStart - row.start;
    this.end[index] = row.end;
    this.statusDelta[index] = row.statusStart < 0 ? -1 : row.statusStart - row.start;
    this.statusLength[index] = row.statusStart < 0 ? 0 : row.statusEnd - row.statusStart;
  }

  setServed(index: number, header: number, body: number): void {
    this.servedHeader[index] = header;
    this.servedBody[index] = body;
  }

  row(index: number): MessageRow {
    const start = this.start[index] ?? 0;
    const statusDelta = this.statusDelta[index] ?? -1;
    return {
      start,
      headerStart: start + (this.headerDelta[index] ?? 0),
      bodyStart: start + (this.bodyDelta[index] ?? 0),
      end: this.end[index] ?? 0,
      servedHeader: this.servedHeader[index] ?? 0,
      servedBody: this.servedBody[index] ?? 0,
      time: this.time[index] ?? 0,
      uid: this.uids[index] ?? 0,
      bits: this.bitsOf[index] ?? 0,
      keywords: this.keywordMask[index] ?? 0,
      statusStart: statusDelta < 0 ? -1 : start + statusDelta,
      statusEnd: statusDelta < 0 ? -1 : start + statusDelta + (this.statusLength[index] ?? 0),
    };
  }

  startOf(index: number): number {
    return this.start[index] ?? 0;
  }
  headerStartOf(index: number): number {
    return (this.start[index] ?? 0) + (this.headerDelta[index] ?? 0);
  }
  bodyStartOf(index: number): number {
    return (this.start[index] ?? 0) + (this.bodyDelta[index] ?? 0);
  }
  endOf(index: number): number {
    return this.end[index] ?? 0;
  }
  /** Where the store headers are, one run of whole lines; -1 when there are none or they are scattered. */
  statusStartOf(index: number): number {
    const delta = this.statusDelta[index] ?? -1;
    return delta < 0 ? -1 : (this.start[index] ?? 0) + delta;
  }
  statusEndOf(index: number): number {
    const delta = this.statusDelta[index] ?? -1;
    return delta < 0 ? -1 : (this.start[index] ?? 0) + delta + (this.statusLength[index] ?? 0);
  }
  servedSize(index: number): number {
    return (this.servedHeader[index] ?? 0) + (this.servedBody[index] ?? 0);
  }
  /** Whether the CRLF size of the text has been counted yet (it is counted on demand). */
  servedBodyKnown(index: number): boolean {
    return !Number.isNaN(this.servedBody[index] ?? NaN);
  }
  servedHeaderSize(index: number): number {
    return this.servedHeader[index] ?? 0;
  }
  timeOf(index: number): number {
    return this.time[index] ?? 0;
  }
  uid(index: number): number {
    return this.uids[index] ?? 0;
  }
  setUid(index: number, uid: number): void {
    this.uids[index] = uid;
  }
  bits(index: number): number {
    return this.bitsOf[index] ?? 0;
  }
  setBits(index: number, bits: number): void {
    this.bitsOf[index] = bits;
  }
  keywords(index: number): number {
    return this.keywordMask[index] ?? 0;
  }
  setKeywords(index: number, mask: number): void {
    this.keywordMask[index] = mask;
  }

  /** Index of `uid` by binary search (UIDs ascend), or -1. */
  find(uid: number): number {
    let low = 0;
    let high = this.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = this.uids[middle] ?? 0;
      if (value === uid) return middle;
      if (value < uid) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  /** Keeps the rows for which `keep(index)` is true, in order. */
  retain(keep: (index: number) => boolean): void {
    let to = 0;
    for (let from = 0; from < this.length; from++) {
      if (!keep(from)) continue;
      if (to !== from) this.copyRow(from, to);
      to++;
    }
    this.length = to;
  }

  /** Drops rows from `index` on. */
  truncate(index: number): void {
    this.length = Math.min(this.length, index);
  }

  private copyRow(from: number, to: number): void {
    for (const array of [
      this.start, this.headerDelta, this.bodyDelta, this.end, this.servedHeader, this.servedBody,
      this.time, this.uids, this.bitsOf, this.keywordMask, this.statusDelta, this.statusLength,
    ]) {
      array[to] = array[from] ?? 0;
    }
  }
}
