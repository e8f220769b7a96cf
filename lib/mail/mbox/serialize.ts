// Byte transformations between what clients send and see (CRLF lines) and
// what the mailbox file holds (LF lines, UW's conventions): store headers
// hidden on the way out and neutralised on the way in (UW renames spoofed
// ones "X-Original-…"), body lines beginning "From " quoted as ">From "
// on the way in and served as they are (UW does not unquote, and counts the
// ">" in RFC822.SIZE).
import { hiddenHeader } from './status-headers';

const LF = 0x0a;
const CR = 0x0d;
const ORIGINAL = Buffer.from('X-Original-');
const QUOTE = Buffer.from('>');
const NEWLINE = Buffer.from('\n');

/** Calls `visit(start, end)` for each line of `data` (end includes the LF). */
function eachLine(data: Buffer, visit: (start: number, end: number) => void): void {
  let start = 0;
  while (start < data.length) {
    const newline = data.indexOf(LF, start);
    const end = newline < 0 ? data.length : newline + 1;
    visit(start, end);
    start = end;
  }
}

function isBlank(data: Buffer, start: number, end: number): boolean {
  const length = end - start;
  return (length === 1 && data[start] === LF) || (length === 2 && data[start] === CR && data[start + 1] === LF);
}

function startsWithFromSpace(data: Buffer, start: number, end: number): boolean {
  return end - start >= 5 && data[start] === 0x46 && data.toString('latin1', start, start + 5) === 'From ';
}

/**
 * A message as the file stores it: `fromLine`, the client's header with
 * spoofed store headers renamed, the `statusBlock`, a blank line, the body,
 * and the blank separator line. CRLF becomes LF; "From " lines get ">".
 * Built in two passes (measure, then copy into one buffer): a 64 MB APPEND
 * held as a list of per-line pieces cost some 300 MB.
 */
export function storedForm(data: Buffer, fromLine: string, statusBlock: string): Buffer {
  const status = Buffer.from(`${statusBlock}\n`, 'latin1');
  let size = 0;
  layOut(data, status, (source, start, end) => {
    size += end - start;
  });
  const out = Buffer.allocUnsafe(Buffer.byteLength(fromLine, 'latin1') + size);
  let at = out.write(fromLine, 0, 'latin1');
  layOut(data, status, (source, start, end) => {
    at += source.copy(out, at, start, end);
  });
  return out;
}

/** Emits, in order, the byte ranges storedForm puts after the From line. */
function layOut(data: Buffer, status: Buffer, emit: (source: Buffer, start: number, end: number) => void): void {
  const whole = (piece: Buffer): void => emit(piece, 0, piece.length);
  let inHeader = true;
  let lastEndedLine = true;
  eachLine(data, (start, end) => {
    if (inHeader && isBlank(data, start, end)) {
      whole(status);
      inHeader = false;
      return;
    }
    const hasLf = data[end - 1] === LF;
    const contentEnd = hasLf ? (end - 2 >= start && data[end - 2] === CR ? end - 2 : end - 1) : end;
    if (inHeader && hiddenHeader(data, start, contentEnd) !== undefined) whole(ORIGINAL);
    else if (startsWithFromSpace(data, start, contentEnd)) whole(QUOTE);
    emit(data, start, contentEnd);
    if (hasLf) whole(NEWLINE);
    lastEndedLine = hasLf;
  });
  if (!lastEndedLine) whole(NEWLINE);
  if (inHeader) whole(status);
  whole(NEWLINE);
}

/** The header lines without the store's own headers (continuations included). */
export function withoutStoreHeaders(header: Buffer): Buffer {
  const parts: Buffer[] = [];
  let dropping = false;
  let keptFrom = -1;
  eachLine(header, (start, end) => {
    const first = header[start];
    const continuation = first === 0x20 || first === 0x09;
    const drop = continuation ? dropping : hiddenHeader(header, start, end) !== undefined;
    dropping = drop;
    if (drop) {
      if (keptFrom >= 0) parts.push(header.subarray(keptFrom, start));
      keptFrom = -1;
    } else if (keptFrom < 0) {
      keptFrom = start;
    }
  });
  if (keptFrom >= 0) parts.push(header.subarray(keptFrom));
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
}

/**
 * Bare LFs become CRLF; existing CRLF pairs stay as they are. `servedLength`
 * (from the index) saves the counting pass when it is right.
 */
export function toCrlf(data: Buffer, servedLength?: number): Buffer {
  let bare = servedLength === undefined ? -1 : servedLength - data.length;
  if (!(bare >= 0)) {
    bare = 0;
    for (let at = data.indexOf(LF); at >= 0; at = data.indexOf(LF, at + 1)) if (at === 0 || data[at - 1] !== CR) bare++;
  }
  if (bare === 0) return data;
  const out = Buffer.allocUnsafe(data.length + bare);
  let written = 0;
  let from = 0;
  for (let at = data.indexOf(LF); at >= 0; at = data.indexOf(LF, at + 1)) {
    if (at > 0 && data[at - 1] === CR) continue;
    written += data.copy(out, written, from, at);
    out[written++] = CR;
    out[written++] = LF;
    from = at + 1;
  }
  written += data.copy(out, written, from);
  // A wrong hint (the file changed under us) is corrected by counting.
  return written === out.length ? out : toCrlf(data);
}

/** Splits stored header bytes [From line excluded] into lines and the trailing blank line. */
export function headerWithoutBlank(header: Buffer): Buffer {
  if (header.length >= 2 && header[header.length - 1] === LF && header[header.length - 2] === LF) return header.subarray(0, -1);
  if (header.length >= 3 && header[header.length - 1] === LF && header[header.length - 2] === CR && header[header.length - 3] === LF) {
    return header.subarray(0, -2);
  }
  if (header.length === 1 && header[0] === LF) return header.subarray(0, 0);
  return header;
}
