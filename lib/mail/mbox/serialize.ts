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
 */
export function storedForm(data: Buffer, fromLine: string, statusBlock: string): Buffer {
  const parts: Buffer[] = [Buffer.from(fromLine, 'latin1')];
  let inHeader = true;
  let lastEndedLine = true;
  eachLine(data, (start, end) => {
    if (inHeader && isBlank(data, start, end)) {
      parts.push(Buffer.from(`${statusBlock}\n`, 'latin1'));
      inHeader = false;
      return;
    }
    const hasLf = data[end - 1] === LF;
    const contentEnd = hasLf ? (end - 2 >= start && data[end - 2] === CR ? end - 2 : end - 1) : end;
    if (inHeader && hiddenHeader(data, start, contentEnd) !== undefined) parts.push(ORIGINAL);
    else if (startsWithFromSpace(data, start, contentEnd)) parts.push(QUOTE);
    parts.push(data.subarray(start, contentEnd));
    if (hasLf) parts.push(Buffer.from('\n'));
    lastEndedLine = hasLf;
  });
  if (!lastEndedLine) parts.push(Buffer.from('\n'));
  if (inHeader) parts.push(Buffer.from(`${statusBlock}\n`, 'latin1'));
  parts.push(Buffer.from('\n'));
  return Buffer.concat(parts);
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
