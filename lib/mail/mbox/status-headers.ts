// UW's status headers: how a Berkeley mailbox keeps IMAP state inside the
// messages. Status: (R seen, O old), X-Status: (D deleted, F flagged,
// A answered, T draft), X-Keywords:, X-UID:, and the folder's UIDVALIDITY,
// last UID and keyword list in X-IMAPbase: (first message) or X-IMAP: (UW's
// hidden pseudo-message). Clients never see these, nor Content-Length:.

export const SEEN = 1;
export const ANSWERED = 2;
export const FLAGGED = 4;
export const DELETED = 8;
export const DRAFT = 16;
/** "O" in Status: the message was seen by a read-write session (not \Recent). */
export const OLD = 32;
export const SYSTEM_BITS = SEEN | ANSWERED | FLAGGED | DELETED | DRAFT;

export const FLAG_BITS: ReadonlyMap<string, number> = new Map([
  ['\\seen', SEEN],
  ['\\answered', ANSWERED],
  ['\\flagged', FLAGGED],
  ['\\deleted', DELETED],
  ['\\draft', DRAFT],
]);
export const FLAG_NAMES: readonly (readonly [number, string])[] = [
  [SEEN, '\\Seen'],
  [ANSWERED, '\\Answered'],
  [FLAGGED, '\\Flagged'],
  [DELETED, '\\Deleted'],
  [DRAFT, '\\Draft'],
];

/** UW keeps at most 30 keywords per mailbox (NUSERFLAGS). */
export const MAX_KEYWORDS = 30;

export type HiddenHeader = 'status' | 'x-status' | 'x-keywords' | 'x-uid' | 'x-imap' | 'x-imapbase' | 'content-length';

const HIDDEN = new Map<string, HiddenHeader>([
  ['status', 'status'],
  ['x-status', 'x-status'],
  ['x-keywords', 'x-keywords'],
  ['x-uid', 'x-uid'],
  ['x-imap', 'x-imap'],
  ['x-imapbase', 'x-imapbase'],
  ['content-length', 'content-length'],
]);
const LONGEST_HIDDEN = 'content-length'.length;

/** Which store header a header line is, if any (names compare case-insensitively). */
export function hiddenHeader(buffer: Buffer, start: number, end: number): HiddenHeader | undefined {
  const first = buffer[start];
  // Fast rejection: every hidden name starts with S, X or C.
  if (first !== 0x53 && first !== 0x73 && first !== 0x58 && first !== 0x78 && first !== 0x43 && first !== 0x63) {
    return undefined;
  }
  const limit = Math.min(end, start + LONGEST_HIDDEN + 1);
  // Searched within the longest name only: a colon-less line must not scan the rest of the buffer.
  const colon = buffer.subarray(start, limit).indexOf(0x3a) + start;
  if (colon < start) return undefined;
  return HIDDEN.get(buffer.toString('latin1', start, colon).toLowerCase());
}

/** The value of a header line: after the colon, without the line end. */
export function headerValue(buffer: Buffer, start: number, end: number): string {
  const colon = buffer.indexOf(0x3a, start);
  let stop = end;
  while (stop > colon + 1 && (buffer[stop - 1] === 0x0a || buffer[stop - 1] === 0x0d)) stop--;
  return buffer.toString('latin1', colon + 1, stop);
}

/** Flag bits from the letters of Status: or X-Status: (UW reads either). */
export function statusLetters(value: string): number {
  let bits = 0;
  for (const letter of value) {
    if (letter === 'R') bits |= SEEN;
    else if (letter === 'O') bits |= OLD;
    else if (letter === 'D') bits |= DELETED;
    else if (letter === 'F') bits |= FLAGGED;
    else if (letter === 'A') bits |= ANSWERED;
    else if (letter === 'T') bits |= DRAFT;
  }
  return bits;
}

export interface FolderBase {
  readonly uidValidity: number;
  readonly uidLast: number;
  readonly keywords: readonly string[];
}

/** Parses "<uidvalidity> <uidlast> [keyword...]"; undefined when unusable. */
export function parseBase(value: string): FolderBase | undefined {
  const words = value.trim().split(/\s+/);
  const uidValidity = Number(words[0]);
  const uidLast = Number(words[1]);
  if (!/^\d+$/.test(words[0] ?? '') || !/^\d+$/.test(words[1] ?? '')) return undefined;
  if (uidValidity <= 0 || uidValidity > 0xffffffff || uidLast > 0xffffffff) return undefined;
  return { uidValidity, uidLast, keywords: words.slice(2).filter(isKeywordAtom).slice(0, MAX_KEYWORDS) };
}

/** An IMAP flag-keyword atom (no specials, no backslash). */
export function isKeywordAtom(word: string): boolean {
  return /^[\x21-\x7e]+$/.test(word) && !/[(){%*"\\\]]/.test(word);
}

export interface StatusBlock {
  readonly bits: number;
  readonly keywords: readonly string[];
  /** Omitted when the message has no UID on disk yet (appended to a folder with unassigned mail). */
  readonly uid?: number;
}

/** Keywords padding: UW pads so the block up to X-Keywords is 50 bytes long. */
const PAD_TO = 50;

/**
 * The status headers UW writes at the end of a message header, with the
 * X-Keywords line padded to `padding` extra spaces at least (UW's padding
 * when undefined), so that later flag changes fit in place.
 */
export function formatStatusBlock(block: StatusBlock, padding?: number): string {
  const bits = block.bits;
  const status = `Status: ${bits & SEEN ? 'R' : ''}${bits & OLD ? 'O' : ''}\n`;
  const xStatus =
    `X-Status: ${bits & DELETED ? 'D' : ''}${bits & FLAGGED ? 'F' : ''}${bits & ANSWERED ? 'A' : ''}` +
    `${bits & DRAFT ? 'T' : ''}\n`;
  let keywords = `X-Keywords:${block.keywords.map((word) => ` ${word}`).join('')}`;
  const used = status.length + xStatus.length + Buffer.byteLength(keywords);
  const spaces = padding ?? Math.max(0, PAD_TO - used);
  keywords += ' '.repeat(spaces);
  const uid = block.uid === undefined ? '' : `X-UID: ${block.uid}\n`;
  return `${status}${xStatus}${keywords}\n${uid}`;
}

/**
 * The block fitted to exactly `length` bytes by adjusting the keyword
 * padding, or undefined when it does not fit.
 */
export function fitStatusBlock(block: StatusBlock, length: number, leadingLine = ''): string | undefined {
  const bare = leadingLine + formatStatusBlock(block, 0);
  const room = length - Buffer.byteLength(bare);
  if (room < 0) return undefined;
  return leadingLine + formatStatusBlock(block, room);
}

export const PSEUDO_SUBJECT = "DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA";
const PSEUDO_TEXT =
  'This text is part of the internal format of your mail folder, and is not\n' +
  'a real message.  It is created automatically by the mail system software.\n' +
  'If deleted, important folder data will be lost, and it will be re-created\n' +
  'with the data reset to initial values.\n';
/** Room left after the X-IMAP keywords so that new keywords fit in place. */
export const BASE_PADDING = 120;

/** An X-IMAP/X-IMAPbase line without padding, with its newline. */
export function baseLine(header: 'X-IMAP' | 'X-IMAPbase', base: FolderBase): string {
  const digits = (value: number): string => String(value).padStart(10, '0');
  return `${header}: ${digits(base.uidValidity)} ${digits(base.uidLast)}${base.keywords.map((word) => ` ${word}`).join('')}\n`;
}

/**
 * The same line padded with spaces to exactly `length` bytes (undefined
 * when it cannot fit), or by BASE_PADDING when no length is given.
 */
export function formatBaseLine(header: 'X-IMAP' | 'X-IMAPbase', base: FolderBase, length?: number): string | undefined {
  const bare = baseLine(header, base);
  const room = (length ?? Buffer.byteLength(bare) + BASE_PADDING) - Buffer.byteLength(bare);
  if (room < 0) return undefined;
  return `${bare.slice(0, -1)}${' '.repeat(room)}\n`;
}

/** UW's hidden first message carrying the folder's base (X-IMAP:). */
export function formatPseudoMessage(base: FolderBase, host: string, now: Date, fromLine: string, rfc822Date: string): string {
  return (
    fromLine +
    `Date: ${rfc822Date}\n` +
    `From: Mail System Internal Data <MAILER-DAEMON@${host}>\n` +
    `Subject: ${PSEUDO_SUBJECT}\n` +
    `Message-ID: <${Math.floor(now.getTime() / 1000)}@${host}>\n` +
    (formatBaseLine('X-IMAP', base) ?? '') +
    'Status: RO\n\n' +
    PSEUDO_TEXT +
    '\n'
  );
}
