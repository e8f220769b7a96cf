// A message as clients see it, cut from its raw bytes in the file: the
// header without the store's headers, then the text, both in CRLF form.
import { readSync } from 'node:fs';
import type { MessageIndex } from './message-index';
import { toCrlf, withoutStoreHeaders } from './serialize';

/**
 * The header without the store's headers, in CRLF form. When the scan found
 * them as one run of lines (always so in files we wrote), cutting that run
 * out spares looking at every header line again.
 */
export function servedHeader(raw: Buffer, index: MessageIndex, row: number): Buffer {
  const start = index.startOf(row);
  const headerStart = index.headerStartOf(row) - start;
  const bodyStart = index.bodyStartOf(row) - start;
  const statusStart = index.statusStartOf(row);
  if (statusStart < 0) {
    // Nothing to cut or convert leaves a view of `raw`, whose memory the
    // read-ahead reuses: the caller gets its own copy.
    const header = toCrlf(withoutStoreHeaders(raw.subarray(headerStart, bodyStart)));
    return header.buffer === raw.buffer ? Buffer.from(header) : header;
  }
  const visible = Buffer.concat([raw.subarray(headerStart, statusStart - start), raw.subarray(index.statusEndOf(row) - start, bodyStart)]);
  return toCrlf(visible, index.servedHeaderSize(row));
}

/** `raw` is the file from the row's From line to the end of its text. */
export function servedMessage(raw: Buffer, index: MessageIndex, row: number): Buffer {
  const start = index.startOf(row);
  const header = servedHeader(raw, index, row);
  const body = raw.subarray(index.bodyStartOf(row) - start);
  if (body.indexOf(0x0d) < 0) {
    // The usual mbox has no CR: convert through a latin1 string (one native
    // replaceAll beats copying line by line, and split/join's array of
    // lines is garbage) straight into the result.
    const text = body.toString('latin1').replaceAll('\n', '\r\n');
    const out = Buffer.allocUnsafe(header.length + text.length);
    header.copy(out, 0);
    out.write(text, header.length, 'latin1');
    return out;
  }
  return Buffer.concat([header, toCrlf(body, index.servedSize(row) - index.servedHeaderSize(row))]);
}

const COUNT_CHUNK = 1 << 18;
/** Shared by every count: the reads are synchronous, so one buffer serves them all (no garbage per message). */
let countBuffer: Buffer | undefined;

/**
 * CRLF size of file bytes [start, end): their length plus one for every LF
 * not preceded by CR. Synchronous, because RFC822.SIZE is asked for
 * synchronously; it reads the text once, in 256 KB pieces.
 */
export function countServed(fd: number, start: number, end: number): number {
  countBuffer ??= Buffer.allocUnsafe(COUNT_CHUNK);
  const buffer = countBuffer;
  let bare = 0;
  let previous = -1;
  for (let position = start; position < end; ) {
    const got = readSync(fd, buffer, 0, Math.min(buffer.length, end - position), position);
    if (got === 0) break;
    const data = buffer.subarray(0, got);
    for (let at = data.indexOf(0x0a); at >= 0; at = data.indexOf(0x0a, at + 1)) {
      if ((at === 0 ? previous : data[at - 1]) !== 0x0d) bare++;
    }
    previous = data[got - 1] ?? -1;
    position += got;
  }
  return end - start + bare;
}
