// The MIME scanner: one pass over a message as served (CRLF line ends) that
// yields the tree of parts with the byte ranges of every header and body,
// nested message/rfc822 included. Broken MIME never throws; it degrades the
// way UW's c-client does (see README.md in this folder).
import { type ByteRange, CR, LF, countLines, isWhiteSpace } from './bytes';
import { type Disposition, type MimeParam, paramValue, parseContentType, parseDisposition, parseLanguages } from './content';
import { type HeaderBlock, fieldValue, readHeader } from './header';

/** What a part holds: sub-parts, an encapsulated message, or plain content. */
export type PartKind = 'multipart' | 'message' | 'leaf';

export interface MimePart {
  readonly kind: PartKind;
  /** The part's header, including the blank line that ends it. */
  readonly header: ByteRange;
  readonly body: ByteRange;
  /** Media type and subtype as written (or the defaults, in upper case). */
  readonly type: string;
  readonly subtype: string;
  readonly params: readonly MimeParam[];
  readonly id: string | undefined;
  readonly description: string | undefined;
  /** Content-Transfer-Encoding as written; undefined means 7bit. */
  readonly encoding: string | undefined;
  readonly md5: string | undefined;
  readonly disposition: Disposition | undefined;
  readonly language: readonly string[] | undefined;
  readonly location: string | undefined;
  /** Body lines, counted for text/* and message/rfc822 parts only. */
  readonly lines: number;
  /** Sub-parts of a multipart (never empty for kind 'multipart'). */
  readonly parts: readonly MimePart[];
  /** The encapsulated message of a message/rfc822 part: its header and body. */
  readonly message: MimePart | undefined;
}

/** Deeper nesting is treated as opaque content. */
export const MAX_DEPTH = 100;
/** Beyond this many parts, the rest of a message stays in its last part. */
export const MAX_PARTS = 10000;

interface ScanState {
  parts: number;
}

/** Scans a whole message (header and body) into its MIME tree. */
export function scanMessage(message: Buffer): MimePart {
  return scanEntity(message, 0, message.length, false, 0, { parts: 0 });
}

function scanEntity(buf: Buffer, start: number, end: number, inDigest: boolean, depth: number, state: ScanState): MimePart {
  state.parts += 1;
  const header = readHeader(buf, start, end);
  const content = contentFields(buf, header);
  const declared = content.type !== undefined ? parseContentType(content.type) : undefined;
  let type = declared?.type ?? (inDigest ? 'MESSAGE' : 'TEXT');
  let subtype = declared?.subtype ?? (inDigest ? 'RFC822' : 'PLAIN');
  const params = declared?.params ?? [];
  const body: ByteRange = { start: header.end, end };
  const lowerType = type.toLowerCase();
  const lowerSubtype = subtype.toLowerCase();
  let kind: PartKind = 'leaf';
  if (lowerType === 'multipart') kind = 'multipart';
  else if (lowerType === 'message' && lowerSubtype === 'rfc822') kind = 'message';
  if (kind !== 'leaf' && depth >= MAX_DEPTH) {
    kind = 'leaf';
    type = 'APPLICATION';
    subtype = 'OCTET-STREAM';
  }
  const boundary = kind === 'multipart' ? paramValue(params, 'boundary') : undefined;
  const parts =
    kind === 'multipart'
      ? scanMultipart(buf, body, boundary, lowerSubtype === 'digest', depth + 1, state)
      : [];
  const message = kind === 'message' ? scanEntity(buf, body.start, body.end, false, depth + 1, state) : undefined;
  const counted = kind === 'message' || (kind === 'leaf' && type.toLowerCase() === 'text');
  return {
    kind,
    header: { start, end: header.end },
    body,
    type,
    subtype,
    params,
    id: content.id,
    description: content.description,
    encoding: content.encoding,
    md5: content.md5,
    disposition: content.disposition !== undefined ? parseDisposition(content.disposition) : undefined,
    language: content.language !== undefined ? parseLanguages(content.language) : undefined,
    location: content.location,
    lines: counted ? countLines(buf, body.start, body.end) : 0,
    parts,
    message,
  };
}

interface ContentFields {
  type?: string;
  encoding?: string;
  id?: string;
  description?: string;
  md5?: string;
  disposition?: string;
  language?: string;
  location?: string;
}

const CONTENT_FIELDS: Readonly<Record<string, keyof ContentFields>> = {
  'content-type': 'type',
  'content-transfer-encoding': 'encoding',
  'content-id': 'id',
  'content-description': 'description',
  'content-md5': 'md5',
  'content-disposition': 'disposition',
  'content-language': 'language',
  'content-location': 'location',
};

/** The first of each Content-* field (later duplicates are ignored, as in UW). */
function contentFields(buf: Buffer, header: HeaderBlock): ContentFields {
  const found: ContentFields = {};
  for (const field of header.fields) {
    if (!field.name.startsWith('content-')) continue;
    const key = CONTENT_FIELDS[field.name];
    if (key !== undefined && found[key] === undefined) found[key] = fieldValue(buf, field);
  }
  if (found.encoding !== undefined) found.encoding = found.encoding.split(/[\s;(]/, 1)[0] || undefined;
  return found;
}

const DASH = 0x2d;

/**
 * Splits a multipart body at its delimiter lines (RFC 2046 §5.1.1). The CRLF
 * before a delimiter belongs to the delimiter. Only this multipart's own
 * boundary splits its body, so a nested part that reuses an outer boundary
 * ends where the outer one says (UW's reading; Dovecot prefers the inner).
 * Without a boundary or any delimiter, the body holds one empty text part.
 */
function scanMultipart(
  buf: Buffer,
  body: ByteRange,
  boundary: string | undefined,
  digest: boolean,
  depth: number,
  state: ScanState,
): MimePart[] {
  const parts: MimePart[] = [];
  if (boundary !== undefined && boundary !== '') {
    const region = buf.subarray(body.start, body.end);
    const needle = Buffer.from(`\n--${boundary}`, 'utf8');
    let partStart = -1;
    let closed = false;
    // A delimiter may open the body itself, with no preamble line before it.
    let search = region.subarray(0, needle.length - 1).equals(needle.subarray(1)) ? -1 : 0;
    while (!closed && state.parts < MAX_PARTS) {
      const lf = search === -1 ? -1 : region.indexOf(needle, search);
      if (search !== -1 && lf === -1) break;
      const lineStart = lf + 1;
      const delimiter = delimiterAt(region, lineStart + needle.length - 1);
      search = lineStart;
      if (delimiter === undefined) continue;
      if (partStart >= 0) {
        parts.push(scanEntity(buf, body.start + partStart, body.start + partEnd(region, partStart, lineStart), digest, depth, state));
      }
      closed = delimiter.close;
      partStart = delimiter.next;
      search = delimiter.next > 0 && region[delimiter.next - 1] === LF ? delimiter.next - 1 : delimiter.next;
    }
    if (!closed && partStart >= 0) parts.push(scanEntity(buf, body.start + partStart, body.end, digest, depth, state));
  }
  if (parts.length === 0) {
    // The stand-in is a part too: without counting it, empty multiparts could double MAX_PARTS.
    state.parts += 1;
    parts.push(emptyPart(body.end));
  }
  return parts;
}

/** The end of a part whose following delimiter line starts at `lineStart`. */
function partEnd(region: Buffer, partStart: number, lineStart: number): number {
  let end = lineStart;
  if (end > partStart && region[end - 1] === LF) end -= 1;
  if (end > partStart && region[end - 1] === CR) end -= 1;
  return end;
}

/**
 * Checks what follows `--boundary` at `at`: an optional `--`, then only
 * white space to the end of the line. Returns where the next line starts.
 */
function delimiterAt(region: Buffer, at: number): { close: boolean; next: number } | undefined {
  let index = at;
  const close = region[index] === DASH && region[index + 1] === DASH;
  if (close) index += 2;
  while (isWhiteSpace(region[index])) index += 1;
  if (region[index] === CR) index += 1;
  if (index >= region.length) return { close, next: region.length };
  if (region[index] !== LF) return undefined;
  return { close, next: index + 1 };
}

/** The part that stands in for a multipart with no parts: empty text/plain. */
function emptyPart(at: number): MimePart {
  return {
    kind: 'leaf',
    header: { start: at, end: at },
    body: { start: at, end: at },
    type: 'TEXT',
    subtype: 'PLAIN',
    params: [],
    id: undefined,
    description: undefined,
    encoding: undefined,
    md5: undefined,
    disposition: undefined,
    language: undefined,
    location: undefined,
    lines: 0,
    parts: [],
    message: undefined,
  };
}
