// Streaming parser for Berkeley mailboxes. It reads the file in large chunks:
// headers line by line (the store's own status headers are decoded and left
// out of the served size, every bare LF counts as CRLF), bodies only where a
// line starts "From " (one native search per candidate; see from-line.ts for
// which are message boundaries). The CRLF size of a body is counted later,
// when first asked for. Content-Length: is never trusted. Memory stays at one chunk whatever the
// file size.
import { readAt } from './file-io';
import type { MessageLayout } from './message-index';
import { fromLineTime, startsWithFrom } from './from-line';
import {
  hiddenHeader,
  headerValue,
  parseBase,
  statusLetters,
  type FolderBase,
  type HiddenHeader,
} from './status-headers';

const LF = 0x0a;
const CR = 0x0d;
const CHUNK = 1 << 20;
const NL_FROM = Buffer.from('\nFrom ');
/** Longer lines are message text, never From lines or store headers. */
const LONG_LINE = 64 * 1024;

/**
 * One message as the scan found it. Offsets: start is the From line,
 * headerStart just after it, bodyStart just after the blank line ending the
 * header (the end when there is none), end the end of the text (the blank
 * separator line before the next From line excluded). servedHeader is the
 * CRLF size of the header without store headers, blank line included;
 * servedBody is NaN until counted (MboxMailbox counts on demand); time is
 * INTERNALDATE from the From line (0 when it does not parse). The store
 * headers form one run of whole lines [statusStart, statusEnd) that can be
 * rewritten in place, statusStart -1 when absent or scattered.
 */
export interface ScannedMessage extends MessageLayout {
  /** Status bits (status-headers.ts) from Status: and X-Status:. */
  readonly bits: number;
  /** Keyword names from X-Keywords:, in order. */
  readonly keywords: readonly string[];
  /** X-UID: value, 0 when absent or unreadable. */
  readonly uid: number;
  /** The folder base, from the first message of the file only. */
  readonly base: ScannedBase | undefined;
}

export interface ScannedBase {
  readonly base: FolderBase;
  /** X-IMAP: marks UW's pseudo-message, which is never shown. */
  readonly pseudo: boolean;
  readonly lineStart: number;
  readonly lineEnd: number;
}

export type ScanOutcome =
  | { readonly ok: true; readonly end: number }
  /** The data at `from` does not begin with a From line. */
  | { readonly ok: false; readonly at: number };

class MessageBuilder {
  start = 0;
  headerStart = 0;
  bodyStart = -1;
  servedHeader = 0;
  time = 0;
  bits = 0;
  keywords: string[] = [];
  uid = 0;
  statusStart = -1;
  statusEnd = -1;
  /** 0 none yet, 1 open (last header line was a store header), 2 closed, 3 scattered. */
  statusRun = 0;
  hiddenOpen: HiddenHeader | undefined;
  base: ScannedBase | undefined;
  /** Length of the line before the next From line when it is blank (the separator). */
  blankLength = 0;

  /** Starts the next message; one builder serves the whole scan (large files, little garbage). */
  reset(start: number, headerStart: number, time: number): void {
    this.start = start;
    this.headerStart = headerStart;
    this.bodyStart = -1;
    this.servedHeader = 0;
    this.time = time;
    this.bits = 0;
    if (this.keywords.length > 0) this.keywords = [];
    this.uid = 0;
    this.statusStart = -1;
    this.statusEnd = -1;
    this.statusRun = 0;
    this.hiddenOpen = undefined;
    this.base = undefined;
    this.blankLength = 0;
  }

  /** The finished message. The object is reused for the next one: take what you need. */
  finish(end: number): ScannedMessage {
    let stop = end;
    if (this.bodyStart >= 0 && this.blankLength > 0 && end - this.blankLength >= this.bodyStart) stop = end - this.blankLength;
    const out = this.result;
    out.start = this.start;
    out.headerStart = this.headerStart;
    out.bodyStart = this.bodyStart >= 0 ? this.bodyStart : stop;
    out.end = stop;
    out.servedHeader = this.servedHeader;
    out.servedBody = this.bodyStart >= 0 ? NaN : 0;
    out.time = this.time;
    out.bits = this.bits;
    out.keywords = this.keywords;
    out.uid = this.uid;
    out.statusStart = this.statusRun === 3 ? -1 : this.statusStart;
    out.statusEnd = this.statusRun === 3 ? -1 : this.statusEnd;
    out.base = this.base;
    return out;
  }

  private readonly result: Mutable<ScannedMessage> = {
    start: 0, headerStart: 0, bodyStart: 0, end: 0, servedHeader: 0, servedBody: 0, time: 0, bits: 0, keywords: [], uid: 0,
    statusStart: -1, statusEnd: -1, base: undefined,
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface ScanOptions {
  /** Honour X-IMAP/X-IMAPbase (only in the first message of the file). */
  readonly firstInFile: boolean;
}

const LEAD = 0;
const HEADER = 1;
const BODY = 2;

/**
 * The line-by-line state machine. `feed` takes whole lines from a buffer;
 * body lines, nearly all of the file, take the short path at its top.
 */
class LineScanner {
  state = LEAD;
  message = new MessageBuilder();
  firstMessage: boolean;
  /** The current line started in an earlier buffer (a line longer than a buffer). */
  midLine = false;
  failure: number | undefined;
  buffer: Buffer = Buffer.alloc(0);
  base = 0;
  /** Where the data of the current buffer starts; earlier bytes are in `previous`. */
  private feedStart = 0;
  /** The three bytes before feedStart, nearest first (for the blank line before a From line). */
  private previous: number[] = [0, 0, 0];

  constructor(
    options: ScanOptions,
    private readonly onMessage: (message: ScannedMessage) => void,
  ) {
    this.firstMessage = options.firstInFile;
  }

  /**
   * Consumes the complete lines of buffer[position, limit) (buffer index i is
   * file offset base + i). Returns where the first incomplete line starts.
   */
  feed(buffer: Buffer, base: number, position: number, limit: number): number {
    this.buffer = buffer;
    this.base = base;
    this.feedStart = position;
    let at = position;
    while (at < limit) {
      if (this.state === BODY && !this.midLine) {
        // Bodies: only lines starting "From " matter, found by one search.
        const candidate = startsWithFrom(buffer, at, limit) ? at : buffer.indexOf(NL_FROM, at);
        if (candidate < 0 || candidate >= limit) return this.stopAtLastLine(at, limit);
        const lineStart = candidate === at ? at : candidate + 1;
        const newline = buffer.indexOf(LF, lineStart);
        if (newline < 0 || newline >= limit) {
          this.remember(lineStart);
          return lineStart;
        }
        this.message.blankLength = this.blankBefore(lineStart);
        this.line(lineStart, newline + 1, true);
        if (this.failure !== undefined) return newline + 1;
        at = newline + 1;
        continue;
      }
      const newline = buffer.indexOf(LF, at);
      if (newline < 0 || newline >= limit) break;
      this.line(at, newline + 1, true);
      if (this.failure !== undefined) return newline + 1;
      at = newline + 1;
    }
    this.remember(at);
    return at;
  }

  /** In a body without another From line here: stop at the start of the last, unfinished line. */
  private stopAtLastLine(at: number, limit: number): number {
    const last = this.buffer.lastIndexOf(LF, limit - 1);
    const stop = last < at ? at : last + 1;
    this.remember(stop);
    return stop;
  }

  /** Keeps the three bytes before `position`, which the next buffer no longer holds. */
  private remember(position: number): void {
    const buffer = this.buffer;
    const before = (back: number): number =>
      position - back >= this.feedStart ? (buffer[position - back] ?? 0) : (this.previous[back - (position - this.feedStart) - 1] ?? 0);
    this.previous = [before(1), before(2), before(3)];
  }

  /** Length of the blank line (LF or CRLF) just before `lineStart`, or 0. */
  private blankBefore(lineStart: number): number {
    const buffer = this.buffer;
    const byte = (back: number): number =>
      lineStart - back >= this.feedStart ? (buffer[lineStart - back] ?? 0) : (this.previous[back - (lineStart - this.feedStart) - 1] ?? 0);
    if (byte(1) !== LF) return 0;
    if (byte(2) === LF) return 1;
    if (byte(2) === CR && byte(3) === LF) return 2;
    return 0;
  }

  /** A piece of a line longer than the buffer: counted, never a From line or store header. */
  longPiece(start: number, stop: number): void {
    const length = stop - start;
    const message = this.message;
    if (this.midLine) {
      if (this.state === HEADER) message.servedHeader += length;
      return;
    }
    this.midLine = true;
    if (this.state === LEAD) {
      this.failure = this.base + start;
    } else if (this.state === HEADER) {
      message.servedHeader += length;
      message.hiddenOpen = undefined;
      if (message.statusRun === 1) message.statusRun = 2;
    }
  }

  /** The last line of the data, without a newline. */
  lastLine(start: number, stop: number): void {
    this.line(start, stop, false);
  }

  /** End of the data at buffer index `limit`. */
  finish(limit: number): void {
    if (this.state === LEAD) return;
    this.message.blankLength = this.state === BODY ? this.blankBefore(limit) : 0;
    this.endMessage(this.base + limit);
  }

  private line(lineStart: number, lineEnd: number, hasNewline: boolean): void {
    const buffer = this.buffer;
    const message = this.message;
    const length = lineEnd - lineStart;
    const crlf = hasNewline && length >= 2 && buffer[lineEnd - 2] === CR;
    const served = hasNewline && !crlf ? length + 1 : length;
    if (this.midLine) {
      this.midLine = false;
      if (this.state === HEADER) message.servedHeader += served;
      return;
    }
    const contentEnd = hasNewline ? lineEnd - 1 : lineEnd;
    if (this.state === BODY) {
      if (length <= LONG_LINE && startsWithFrom(buffer, lineStart, lineEnd)) {
        const time = fromLineTime(buffer, lineStart, contentEnd);
        if (time !== undefined) {
          this.endMessage(this.base + lineStart);
          this.beginMessage(lineStart, lineEnd, time);
          return;
        }
      }
      return;
    }
    if (this.state === HEADER) {
      if (hasNewline && (length === 1 || (length === 2 && crlf))) {
        message.servedHeader += 2;
        message.bodyStart = this.base + lineEnd;
        this.state = BODY;
        return;
      }
      if (buffer[lineStart] === 0x46 && length <= LONG_LINE) {
        const time = fromLineTime(buffer, lineStart, contentEnd);
        if (time !== undefined) {
          this.endMessage(this.base + lineStart);
          this.beginMessage(lineStart, lineEnd, time);
          return;
        }
      }
      this.headerLine(lineStart, lineEnd, served);
      return;
    }
    // Leading white space before the first From line is tolerated, as UW does.
    if (isWhite(buffer, lineStart, lineEnd)) return;
    const time = length <= LONG_LINE ? fromLineTime(buffer, lineStart, contentEnd) : undefined;
    if (time === undefined) {
      this.failure = this.base + lineStart;
      return;
    }
    this.beginMessage(lineStart, lineEnd, time);
  }

  private beginMessage(lineStart: number, lineEnd: number, time: number): void {
    this.message.reset(this.base + lineStart, this.base + lineEnd, time);
    this.state = HEADER;
  }

  private endMessage(end: number): void {
    this.onMessage(this.message.finish(end));
    this.firstMessage = false;
  }

  private headerLine(lineStart: number, lineEnd: number, served: number): void {
    const buffer = this.buffer;
    const message = this.message;
    const first = buffer[lineStart];
    const continuation = first === 0x20 || first === 0x09;
    const kind = continuation ? message.hiddenOpen : lineEnd - lineStart <= LONG_LINE ? hiddenHeader(buffer, lineStart, lineEnd) : undefined;
    if (kind === undefined) {
      message.servedHeader += served;
      message.hiddenOpen = undefined;
      if (message.statusRun === 1) message.statusRun = 2;
      return;
    }
    if (!continuation) {
      message.hiddenOpen = kind;
      this.decodeHidden(kind, lineStart, lineEnd);
    } else if (kind === 'x-keywords') {
      addKeywords(message, buffer.toString('latin1', lineStart, lineEnd));
    }
    if (message.statusRun === 0) {
      message.statusRun = 1;
      message.statusStart = this.base + lineStart;
    } else if (message.statusRun === 2) {
      message.statusRun = 3;
    }
    message.statusEnd = this.base + lineEnd;
  }

  private decodeHidden(kind: HiddenHeader, lineStart: number, lineEnd: number): void {
    const message = this.message;
    const value = headerValue(this.buffer, lineStart, lineEnd);
    switch (kind) {
      case 'status':
      case 'x-status':
        message.bits |= statusLetters(value);
        break;
      case 'x-keywords':
        addKeywords(message, value);
        break;
      case 'x-uid': {
        const text = value.trim();
        const uid = /^\d{1,10}$/.test(text) ? Number(text) : 0;
        message.uid = uid <= 0xffffffff ? uid : 0;
        break;
      }
      case 'x-imap':
      case 'x-imapbase': {
        if (!this.firstMessage || message.base) break;
        const parsed = parseBase(value);
        if (parsed) {
          message.base = { base: parsed, pseudo: kind === 'x-imap', lineStart: this.base + lineStart, lineEnd: this.base + lineEnd };
        }
        break;
      }
      case 'content-length':
        break;
    }
  }
}

function addKeywords(message: MessageBuilder, value: string): void {
  for (const word of value.split(/\s+/)) if (word !== '' && !message.keywords.includes(word)) message.keywords.push(word);
}

function isWhite(buffer: Buffer, start: number, end: number): boolean {
  for (let index = start; index < end; index++) {
    const byte = buffer[index];
    if (byte !== LF && byte !== 0x20 && byte !== 0x09 && byte !== CR) return false;
  }
  return true;
}

/**
 * Scans [from, to) of the open file, calling `onMessage` for each message
 * in file order (the object passed is reused: copy what you keep). The last
 * message ends at `to`. Two buffers alternate, so the next chunk is being
 * read while this one is parsed.
 */
export async function scanMailbox(
  fd: number,
  from: number,
  to: number,
  options: ScanOptions,
  onMessage: (message: ScannedMessage) => void,
): Promise<ScanOutcome> {
  const scanner = new LineScanner(options, onMessage);
  const chunk = Math.min(CHUNK, Math.max(4096, to - from));
  // Each buffer keeps room before its data for the unfinished line carried over.
  const carry = LONG_LINE + 1;
  const buffers = [Buffer.allocUnsafe(carry + chunk), Buffer.allocUnsafe(carry + chunk)] as const;
  let next = from;
  const read = (buffer: Buffer): Promise<{ buffer: Buffer; offset: number; got: number }> => {
    const offset = next;
    const want = Math.min(chunk, to - offset);
    next += want;
    return want <= 0 ? Promise.resolve({ buffer, offset, got: 0 }) : readAt(fd, buffer, carry, want, offset).then((got) => ({ buffer, offset, got }));
  };
  let pending = read(buffers[0]);
  let turn = 0;
  let leftover = 0; // bytes carried in front of the current data
  for (;;) {
    const { buffer, offset, got } = await pending;
    const eof = got === 0 || offset + got >= to;
    turn ^= 1;
    const other = buffers[turn] as Buffer;
    if (!eof) pending = read(other);
    const start = carry - leftover;
    const limit = carry + got;
    // buffer index i is file offset (offset - carry) + i
    const base = offset - carry;
    const stop = scanner.feed(buffer, base, start, limit);
    if (scanner.failure !== undefined) return { ok: false, at: scanner.failure };
    const rest = limit - stop;
    if (eof) {
      if (rest > 0) scanner.lastLine(stop, limit);
      if (scanner.failure !== undefined) return { ok: false, at: scanner.failure };
      scanner.finish(limit);
      return { ok: true, end: base + limit };
    }
    if (rest > LONG_LINE) {
      scanner.longPiece(stop, limit);
      if (scanner.failure !== undefined) return { ok: false, at: scanner.failure };
      leftover = 0;
    } else {
      buffer.copy(other, carry - rest, stop, limit);
      leftover = rest;
    }
  }
}
