// Content-Transfer-Encoding decoding (RFC 2045 §6) for BINARY and SEARCH.
// Both decoders are lenient: bytes they cannot read are skipped (base64) or
// passed through (quoted-printable), never an error.
import { CR, LF, isWhiteSpace } from './bytes';

/** Identity encodings: the content is what is stored. */
const IDENTITY = new Set(['7bit', '8bit', 'binary']);

/** Whether decodeTransfer knows `encoding` (BINARY answers NO [UNKNOWN-CTE] otherwise). */
export function canDecodeTransfer(encoding: string | undefined): boolean {
  const lower = (encoding ?? '7bit').toLowerCase();
  return IDENTITY.has(lower) || lower === 'base64' || lower === 'quoted-printable';
}

/** The decoded content, or undefined for an unknown encoding. */
export function decodeTransfer(body: Buffer, encoding: string | undefined): Buffer | undefined {
  if (!canDecodeTransfer(encoding)) return undefined;
  const lower = (encoding ?? '7bit').toLowerCase();
  if (lower === 'base64') return Buffer.from(body.toString('latin1'), 'base64');
  if (lower === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

const EQUALS = 0x3d;

export function decodeQuotedPrintable(input: Buffer): Buffer {
  const out = Buffer.allocUnsafe(input.length);
  let length = 0;
  let at = 0;
  while (at < input.length) {
    // The text up to the next "=" is copied as it is, in one native copy.
    const equals = input.indexOf(EQUALS, at);
    const plainEnd = equals < 0 ? input.length : equals;
    if (plainEnd > at) {
      length += input.copy(out, length, at, plainEnd);
      at = plainEnd;
      if (at >= input.length) break;
    }
    const high = hexValue(input[at + 1]);
    const low = hexValue(input[at + 2]);
    if (high >= 0 && low >= 0) {
      out[length++] = high * 16 + low;
      at += 3;
      continue;
    }
    // A soft line break: "=", optional trailing white space, line end.
    let next = at + 1;
    while (isWhiteSpace(input[next])) next += 1;
    if (input[next] === CR && input[next + 1] === LF) next += 2;
    else if (input[next] === LF) next += 1;
    else if (next < input.length) {
      out[length++] = EQUALS;
      at += 1;
      continue;
    }
    at = next;
  }
  return out.subarray(0, length);
}

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}
