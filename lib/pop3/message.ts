// What RETR and TOP put on the wire for one message: the served bytes with
// every line that starts with "." given a second one (RFC 1939 §3), ending in
// CRLF so the terminating ".CRLF" is on a line of its own. RETR announces
// the length of exactly these bytes; LIST and STAT report the size before
// stuffing (RFC 1939 §11), which needs no conversion of the text.

const LF = 0x0a;
const DOT = 0x2e;
const CRLF = Buffer.from('\r\n');

/** Offsets of the lines (0 and every position after a LF) that begin with ".". */
function dotLineStarts(message: Buffer): number[] {
  const starts: number[] = [];
  if (message[0] === DOT) starts.push(0);
  for (let at = message.indexOf('\n.'); at >= 0; at = message.indexOf('\n.', at + 2)) starts.push(at + 1);
  return starts;
}

function needsFinalCrlf(message: Buffer): boolean {
  return message.length > 0 && message[message.length - 1] !== LF;
}

/** The byte-stuffed message, CRLF-terminated; the input itself when nothing changes. */
export function wireForm(message: Buffer): Buffer {
  const starts = dotLineStarts(message);
  const finalCrlf = needsFinalCrlf(message);
  if (starts.length === 0 && !finalCrlf) return message;
  const parts: Buffer[] = [];
  let from = 0;
  for (const start of starts) {
    parts.push(message.subarray(from, start), Buffer.from('.'));
    from = start;
  }
  parts.push(message.subarray(from));
  if (finalCrlf) parts.push(CRLF);
  return Buffer.concat(parts);
}

/**
 * The header (through its blank line) and the first `lines` lines of the
 * body, as TOP returns them before stuffing. A message without a blank line
 * is all header.
 */
export function headAndLines(message: Buffer, lines: number): Buffer {
  const blank = message.subarray(0, 2).equals(CRLF) ? 0 : message.indexOf('\r\n\r\n');
  if (blank < 0) return message;
  let end = blank === 0 ? 2 : blank + 4;
  for (let count = 0; count < lines && end < message.length; count++) {
    const next = message.indexOf(LF, end);
    end = next < 0 ? message.length : next + 1;
  }
  return message.subarray(0, end);
}
