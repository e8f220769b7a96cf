// Streaming parser for Berkeley mailboxes. It reads the file in large chunks
// and visits each line once: From lines start messages (see from-line.ts),
// the store's own status headers are decoded and left out of the served
// size, and every bare LF counts one extra byte because IMAP serves CRLF.
// Content-Length: is never trusted. Memory stays at one chunk whatever the
// file size.
import { readAt } from './file-io';
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
/** Longer lines are message text, never From lines or store headers. */
const LONG_LINE = 64 * 1024;

export interface ScannedMessage {
  /** Offset of the From line. */
  readonly start: number;
  /** Offset just after the From line. */
  readonly headerStart: number;
  /** Offset just after the blank line that ends the header (end of message when none). */
  readonly bodyStart: number;
  /** End of the message text; the blank separator line before the next From line is excluded. */
  readonly end: number;
  /** CRLF size of the served header (store headers left out, blank line included). */
  readonly servedHeader: number;
  readonly servedBody: number;
  /** INTERNALDATE (ms since the epoch) from the From line; 0 when it does not parse. */
  readonly time: number;
  /** Status bits (status-headers.ts) from Status: and X-Status:. */
  readonly bits: number;
  /** Keyword names from X-Keywords:, in order. */
  readonly keywords: readonly string[];
  /** X-UID: value, 0 when absent or unreadable. */
  readonly uid: number;
  /**
   * The store headers as one run of whole lines that may be rewritten in
   * place: [statusStart, statusEnd). statusStart is -1 when the headers are
   * absent or scattered among other header lines.
   */
  readonly statusStart: number;
  readonly statusEnd: number;
  /** The folder base, from the first message of the file only. */
  readonly base?: ScannedBase;
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

type State = 'lead' | 'header' | 'body';

class MessageBuilder {
  start = 0;
  headerStart = 0;
  bodyStart = -1;
  servedHeader = 0;
  servedBody = 0;
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
  /** Length and served length of the previous body line when it was blank. */
  blankLength = 0;
  blankServed = 0;

  finish(end: number): ScannedMessage {
    let stop = end;
    let servedBody = this.servedBody;
    if (this.bodyStart >= 0 && this.blankLength > 0 && end - this.blankLength >= this.bodyStart) {
      stop = end - this.blankLength;
      servedBody -= this.blankServed;
    }
    return {
      start: this.start,
      headerStart: this.headerStart,
      bodyStart: this.bodyStart >= 0 ? this.bodyStart : stop,
      end: stop,
      servedHeader: this.servedHeader,
      servedBody: this.bodyStart >= 0 ? servedBody : 0,
      time: this.time,
      bits: this.bits,
      keywords: this.keywords,
      uid: this.uid,
      statusStart: this.statusRun === 3 ? -1 : this.statusStart,
      statusEnd: this.statusRun === 3 ? -1 : this.statusEnd,
      ...(this.base ? { base: this.base } : {}),
    };
  }
}

export interface ScanOptions {
  /** Honour X-IMAP/X-IMAPbase (only in the first message of the file). */
  readonly firstInFile: boolean;
}

/**
 * Scans [from, to) of the open file, calling `onMessage` for each message
 * in file order. The last message ends at `to`.
 */
export async function scanMailbox(
  fd: number,
  from: number,
  to: number,
  options: ScanOptions,
  onMessage: (message: ScannedMessage) => void,
): Promise<ScanOutcome> {
  const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(4096, to - from)));
  let base = from; // file offset of buffer[0]
  let filled = 0;
  let position = 0;
  let eof = false;
  let state: State = 'lead';
  let message = new MessageBuilder();
  let firstMessage = options.firstInFile;
  let midLine = false;
  /** Set when the data does not begin with a From line. */
  let failure: number | undefined;

  const fill = async (): Promise<void> => {
    if (position > 0) {
      buffer.copy(buffer, 0, position, filled);
      base += position;
      filled -= position;
      position = 0;
    }
    const want = Math.min(buffer.length - filled, to - (base + filled));
    if (want <= 0) {
      eof = base + filled >= to;
      return;
    }
    const got = await readAt(fd, buffer, filled, want, base + filled);
    filled += got;
    if (got === 0 || base + filled >= to) eof = true;
  };

  const beginMessage = (lineStart: number, lineEnd: number, time: number): void => {
    message = new MessageBuilder();
    message.start = base + lineStart;
    message.headerStart = base + lineEnd;
    message.time = time;
    state = 'header';
  };

  const headerLine = (lineStart: number, lineEnd: number, hasNewline: boolean): void => {
    const length = lineEnd - lineStart;
    const served = length + (hasNewline && !(lineEnd - 2 >= lineStart && buffer[lineEnd - 2] === CR) ? 1 : 0);
    const first = buffer[lineStart];
    const continuation = first === 0x20 || first === 0x09;
    const kind = continuation ? message.hiddenOpen : length <= LONG_LINE ? hiddenHeader(buffer, lineStart, lineEnd) : undefined;
    if (kind === undefined) {
      message.servedHeader += served;
      message.hiddenOpen = undefined;
      if (message.statusRun === 1) message.statusRun = 2;
      return;
    }
    if (!continuation) {
      message.hiddenOpen = kind;
      decodeHidden(kind, lineStart, lineEnd);
    } else if (kind === 'x-keywords') {
      addKeywords(headerValueOfContinuation(lineStart, lineEnd));
    }
    if (message.statusRun === 0) {
      message.statusRun = 1;
      message.statusStart = base + lineStart;
    } else if (message.statusRun === 2) {
      message.statusRun = 3;
    }
    message.statusEnd = base + lineEnd;
  };

  const headerValueOfContinuation = (lineStart: number, lineEnd: number): string =>
    buffer.toString('latin1', lineStart, lineEnd).trim();

  const addKeywords = (value: string): void => {
    for (const word of value.split(/\s+/)) if (word !== '' && !message.keywords.includes(word)) message.keywords.push(word);
  };

  const decodeHidden = (kind: HiddenHeader, lineStart: number, lineEnd: number): void => {
    const value = headerValue(buffer, lineStart, lineEnd);
    switch (kind) {
      case 'status':
      case 'x-status':
        message.bits |= statusLetters(value);
        break;
      case 'x-keywords':
        addKeywords(value);
        break;
      case 'x-uid': {
        const text = value.trim();
        const uid = /^\d{1,10}$/.test(text) ? Number(text) : 0;
        message.uid = uid <= 0xffffffff ? uid : 0;
        break;
      }
      case 'x-imap':
      case 'x-imapbase': {
        if (!firstMessage || message.base) break;
        const parsed = parseBase(value);
        if (parsed) {
          message.base = { base: parsed, pseudo: kind === 'x-imap', lineStart: base + lineStart, lineEnd: base + lineEnd };
        }
        break;
      }
      case 'content-length':
        break;
    }
  };

  const endMessage = (end: number): void => {
    onMessage(message.finish(end));
    firstMessage = false;
  };

  for (;;) {
    const newline = position < filled ? buffer.indexOf(LF, position) : -1;
    if (newline >= 0 && newline < filled) {
      lineAt(position, newline + 1, true);
      position = newline + 1;
      if (failure !== undefined) return { ok: false, at: failure };
      continue;
    }
    if (!eof) {
      if (position === 0 && filled === buffer.length) {
        // A line longer than the buffer: account for this piece now.
        longPiece(position, filled);
        if (failure !== undefined) return { ok: false, at: failure };
        position = filled;
        midLine = true;
      }
      await fill();
      continue;
    }
    if (position < filled) lineAt(position, filled, false);
    position = filled;
    break;
  }
  if (failure !== undefined) return { ok: false, at: failure };
  if (state !== 'lead') endMessage(base + filled);
  return { ok: true, end: base + filled };

  // --- line handling (function declarations are hoisted) ---

  function longPiece(start: number, stop: number): void {
    const length = stop - start;
    if (midLine) {
      if (state === 'header') message.servedHeader += length;
      else if (state === 'body') message.servedBody += length;
      return;
    }
    if (state === 'lead') {
      failure = base + start;
    } else if (state === 'header') {
      message.servedHeader += length;
      message.hiddenOpen = undefined;
      if (message.statusRun === 1) message.statusRun = 2;
    } else {
      message.servedBody += length;
      message.blankLength = 0;
    }
  }

  function lineAt(lineStart: number, lineEnd: number, hasNewline: boolean): void {
    if (midLine) {
      midLine = false;
      const tail = lineEnd - lineStart;
      const crlf = hasNewline && lineEnd - 2 >= lineStart && buffer[lineEnd - 2] === CR;
      const extra = hasNewline && !crlf ? 1 : 0;
      if (state === 'header') message.servedHeader += tail + extra;
      else if (state === 'body') message.servedBody += tail + extra;
      return;
    }
    if (state === 'body') {
      if (buffer[lineStart] === 0x46 && startsWithFrom(buffer, lineStart, lineEnd) && lineEnd - lineStart <= LONG_LINE) {
        const time = fromLineTime(buffer, lineStart, hasNewline ? lineEnd - 1 : lineEnd);
        if (time !== undefined) {
          endMessage(base + lineStart);
          beginMessage(lineStart, lineEnd, time);
          return;
        }
      }
      const length = lineEnd - lineStart;
      const crlf = hasNewline && length >= 2 && buffer[lineEnd - 2] === CR;
      const served = length + (hasNewline && !crlf ? 1 : 0);
      message.servedBody += served;
      if (hasNewline && (length === 1 || (length === 2 && crlf))) {
        message.blankLength = length;
        message.blankServed = served;
      } else {
        message.blankLength = 0;
      }
      return;
    }
    if (state === 'header') {
      const length = lineEnd - lineStart;
      if (hasNewline && (length === 1 || (length === 2 && buffer[lineStart] === CR))) {
        message.servedHeader += 2;
        message.bodyStart = base + lineEnd;
        state = 'body';
        return;
      }
      if (buffer[lineStart] === 0x46 && length <= LONG_LINE) {
        const time = fromLineTime(buffer, lineStart, hasNewline ? lineEnd - 1 : lineEnd);
        if (time !== undefined) {
          endMessage(base + lineStart);
          beginMessage(lineStart, lineEnd, time);
          return;
        }
      }
      headerLine(lineStart, lineEnd, hasNewline);
      return;
    }
    // Leading white space before the first From line is tolerated, as UW does.
    if (isWhiteLine(lineStart, lineEnd)) return;
    const time = lineEnd - lineStart <= LONG_LINE ? fromLineTime(buffer, lineStart, hasNewline ? lineEnd - 1 : lineEnd) : undefined;
    if (time === undefined) {
      failure = base + lineStart;
      return;
    }
    beginMessage(lineStart, lineEnd, time);
  }

  function isWhiteLine(lineStart: number, lineEnd: number): boolean {
    for (let index = lineStart; index < lineEnd; index++) {
      const byte = buffer[index];
      if (byte !== LF && byte !== 0x20 && byte !== 0x09 && byte !== CR) return false;
    }
    return true;
  }
}
