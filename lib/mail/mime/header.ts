// Header blocks: where they end, which fields they hold, and field values
// unfolded (RFC 5322 §2.2.3). Works on offsets so that BODY[HEADER.FIELDS]
// can copy the original bytes.
import { CR, LF, bytesToText, isWhiteSpace } from './bytes';

export interface HeaderField {
  /** Field name in lower case, without the colon or trailing white space. */
  readonly name: string;
  /** Offset of the first byte of the field line. */
  readonly start: number;
  /** Offset just after the colon. */
  readonly valueStart: number;
  /** Offset just after the line end of the field's last (folded) line. */
  readonly end: number;
}

export interface HeaderBlock {
  readonly fields: readonly HeaderField[];
  /** First byte after the header, including its blank separator line. */
  readonly end: number;
}

const COLON = 0x3a;

/**
 * Reads the header that begins at `start`: lines up to and including the first
 * empty line, or to `limit` when there is none. Lines without a colon (and
 * continuation lines before any field) belong to the header but to no field,
 * as in UW and Dovecot.
 */
export function readHeader(buf: Buffer, start: number, limit: number): HeaderBlock {
  const fields: HeaderField[] = [];
  // The field being read: its name and offsets, until the next one starts.
  let name = '';
  let fieldStart = -1;
  let valueStart = 0;
  let at = start;
  while (at < limit) {
    const lf = buf.indexOf(LF, at);
    const lineEnd = lf === -1 || lf >= limit ? limit : lf + 1;
    const first = buf[at];
    const blank = first === LF || (first === CR && at + 1 < limit && buf[at + 1] === LF);
    if (blank || !isWhiteSpace(first)) {
      if (fieldStart >= 0) fields.push({ name, start: fieldStart, valueStart, end: at });
      fieldStart = -1;
      if (blank) return { fields, end: lineEnd };
      // Only this line is searched: a colon-less header line must not scan the rest of the message.
      const colon = buf.subarray(at, lineEnd).indexOf(COLON) + at;
      if (colon >= at) {
        name = fieldName(buf, at, colon);
        fieldStart = at;
        valueStart = colon + 1;
      }
    }
    at = lineEnd;
  }
  if (fieldStart >= 0) fields.push({ name, start: fieldStart, valueStart, end: limit });
  return { fields, end: limit };
}

function fieldName(buf: Buffer, start: number, colon: number): string {
  let end = colon;
  while (end > start && isWhiteSpace(buf[end - 1])) end -= 1;
  return buf.toString('latin1', start, end).toLowerCase();
}

/**
 * The unfolded value of a field: line ends removed, the white space that
 * followed each fold kept as one space (how UW and Dovecot render folded
 * subjects), and the whole trimmed.
 */
export function fieldValue(buf: Buffer, field: HeaderField): string {
  let start = field.valueStart;
  let end = field.end;
  while (start < end && isWhiteSpace(buf[start])) start += 1;
  while (end > start && (isWhiteSpace(buf[end - 1]) || buf[end - 1] === CR || buf[end - 1] === LF)) end -= 1;
  const raw = bytesToText(buf, start, end);
  return raw.includes('\n') ? unfold(raw) : raw;
}

export function unfold(text: string): string {
  return text.replace(/\r?\n[ \t]?/g, (fold) => (fold.endsWith('\t') || fold.endsWith(' ') ? ' ' : ''));
}

/** Values of every field called `name`, in order. */
export function fieldValues(buf: Buffer, block: HeaderBlock, name: string): string[] {
  return block.fields.filter((field) => field.name === name).map((field) => fieldValue(buf, field));
}
