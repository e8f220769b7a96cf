// Byte-level helpers shared by the MIME modules. Message data stays in
// Buffers; only the small pieces a command needs become strings.
import { isUtf8 } from 'node:buffer';

export const CR = 0x0d;
export const LF = 0x0a;
export const SPACE = 0x20;
export const TAB = 0x09;

/** A half-open range [start, end) of byte offsets into a message buffer. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

export function isWhiteSpace(byte: number | undefined): boolean {
  return byte === SPACE || byte === TAB;
}

/**
 * Text of raw header bytes: UTF-8 when the bytes are valid UTF-8 (RFC 6532
 * headers, and plain ASCII), otherwise Latin-1 so that no byte is lost.
 */
export function bytesToText(buf: Buffer, start = 0, end = buf.length): string {
  const slice = buf.subarray(start, end);
  return isUtf8(slice) ? slice.toString('utf8') : slice.toString('latin1');
}

/** Number of line ends (LF) in the range; like UW and Dovecot, a final unterminated line does not count. */
export function countLines(buf: Buffer, start: number, end: number): number {
  if (end <= start) return 0;
  const slice = buf.subarray(start, end);
  let lines = 0;
  let at = slice.indexOf(LF);
  while (at !== -1) {
    lines += 1;
    at = slice.indexOf(LF, at + 1);
  }
  return lines;
}
