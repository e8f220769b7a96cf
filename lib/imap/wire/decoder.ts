// Parses the arguments of one command (as assembled by CommandReader) by the
// RFC 3501 grammar. Every expect… method either consumes what it names or
// records the first error and does nothing from then on: a handler parses
// all its arguments top to bottom and the engine checks `error` once. The
// decoder knows the grammar, not what a command means.
import { LAST, type SequenceRange, type SequenceSet } from './sequence';

const SP = 0x20;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = 0x28;
const CLOSE = 0x29;

/** atom-specials: ( ) { SP CTL % * " \ ] (and 8-bit, which is not CHAR). */
function isAtomChar(byte: number): boolean {
  if (byte <= 0x20 || byte >= 0x7f) return false;
  return byte !== OPEN && byte !== CLOSE && byte !== 0x7b && byte !== 0x25 && byte !== 0x2a && byte !== DQUOTE && byte !== BACKSLASH && byte !== 0x5d;
}

/** ASTRING-CHAR: ATOM-CHAR or "]". */
function isAstringChar(byte: number): boolean {
  return isAtomChar(byte) || byte === 0x5d;
}

/** list-char: ATOM-CHAR, list-wildcards or resp-specials. */
function isListChar(byte: number): boolean {
  return isAstringChar(byte) || byte === 0x25 || byte === 0x2a;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** A `date` of SEARCH (no time of day, no zone). Month is 1-12. */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export interface DecoderOptions {
  /** Deepest nesting of parenthesised lists accepted. */
  readonly maxDepth?: number;
}

export class Decoder {
  private position = 0;
  private depth = 0;
  private firstError: string | undefined;
  private readonly maxDepth: number;

  constructor(
    private readonly data: Buffer,
    options: DecoderOptions = {},
  ) {
    this.maxDepth = options.maxDepth ?? 32;
  }

  /** The first parse error, if any. */
  get error(): string | undefined {
    return this.firstError;
  }

  get failed(): boolean {
    return this.firstError !== undefined;
  }

  /** Records an error (only the first one counts). */
  fail(message: string): void {
    this.firstError ??= message;
  }

  /** True at the end of the command (or after an error). */
  atEnd(): boolean {
    return this.failed || this.position >= this.data.length;
  }

  /** Where parsing stands, for `rewind` (alternatives such as SEARCH keys). */
  mark(): number {
    return this.position;
  }

  rewind(mark: number): void {
    if (!this.failed) this.position = mark;
  }

  /** The next byte without consuming it (undefined at the end or after an error). */
  peekByte(): number | undefined {
    return this.failed ? undefined : this.data[this.position];
  }

  /** True when the next byte is `char` (not consumed). */
  peek(char: string): boolean {
    return this.peekByte() === char.charCodeAt(0);
  }

  /** Consumes `char` when it is next; returns whether it did. */
  consume(char: string): boolean {
    if (!this.peek(char)) return false;
    this.position += 1;
    return true;
  }

  expect(char: string): void {
    if (!this.consume(char)) this.fail(`Expected "${char}" ${this.where()}`);
  }

  expectSP(): void {
    if (!this.consume(' ')) this.fail(`Expected space ${this.where()}`);
  }

  /** Consumes one space when present (before an optional argument). */
  maybeSP(): boolean {
    return this.consume(' ');
  }

  /** Requires that nothing follows. */
  expectEnd(): void {
    if (!this.failed && this.position < this.data.length) this.fail(`Unexpected extra arguments ${this.where()}`);
  }

  /** An atom, case preserved. */
  expectAtom(): string {
    if (this.failed) return '';
    const start = this.position;
    while (this.position < this.data.length && isAtomChar(this.data[this.position] ?? 0)) this.position += 1;
    if (this.position === start) {
      this.fail(`Expected atom ${this.where()}`);
      return '';
    }
    return this.data.toString('latin1', start, this.position);
  }

  /** An atom when one is next, otherwise undefined (nothing consumed). */
  maybeAtom(): string | undefined {
    const byte = this.peekByte();
    return byte !== undefined && isAtomChar(byte) ? this.expectAtom() : undefined;
  }

  /** A tag: ASTRING-CHARs except "+". */
  expectTag(): string {
    if (this.failed) return '';
    const start = this.position;
    while (this.position < this.data.length) {
      const byte = this.data[this.position] ?? 0;
      if (!isAstringChar(byte) || byte === 0x2b) break;
      this.position += 1;
    }
    if (this.position === start) {
      this.fail('Missing or invalid tag');
      return '';
    }
    return this.data.toString('latin1', start, this.position);
  }

  /** number: 0 … 2^32-1. */
  expectNumber(): number {
    if (this.failed) return 0;
    const start = this.position;
    while (this.position < this.data.length && isDigit(this.data[this.position] ?? 0)) this.position += 1;
    const digits = this.data.toString('latin1', start, this.position);
    const value = Number(digits);
    if (digits === '' || digits.length > 10 || value > 0xffffffff) {
      this.fail(`Expected number ${this.where(start)}`);
      return 0;
    }
    return value;
  }

  /** nz-number: 1 … 2^32-1. */
  expectNzNumber(): number {
    const start = this.position;
    const value = this.expectNumber();
    if (value === 0) this.fail(`Expected non-zero number ${this.where(start)}`);
    return value;
  }

  /** quoted or literal, as bytes. */
  expectString(): Buffer {
    if (this.peek('"')) return this.quoted();
    if (this.peek('{') || this.peek('~')) return this.literal();
    this.fail(`Expected string ${this.where()}`);
    return Buffer.alloc(0);
  }

  /** atom (with "]"), quoted or literal, as bytes. */
  expectAstring(): Buffer {
    const byte = this.peekByte();
    // No literal8 here: "~" is an atom character ("~user/box"), and only APPEND takes literal8.
    if (byte === DQUOTE || byte === 0x7b) return this.expectString();
    if (this.failed) return Buffer.alloc(0);
    const start = this.position;
    while (this.position < this.data.length && isAstringChar(this.data[this.position] ?? 0)) this.position += 1;
    if (this.position === start) {
      this.fail(`Expected string ${this.where()}`);
      return Buffer.alloc(0);
    }
    return this.data.subarray(start, this.position);
  }

  /** An astring as UTF-8 text (user names, passwords, mailbox names). */
  expectAstringText(): string {
    return this.expectAstring().toString('utf8');
  }

  /** nstring: NIL or a string; NIL gives undefined. */
  expectNstring(): Buffer | undefined {
    const mark = this.position;
    if (this.maybeAtom()?.toUpperCase() === 'NIL') return undefined;
    this.rewind(mark);
    return this.expectString();
  }

  /**
   * A mailbox argument: an astring, with any case of "INBOX" folded to
   * "INBOX" (RFC 3501 §5.1). Returned as text (the wire form, normally
   * modified UTF-7); the store decides whether the name is acceptable.
   */
  expectMailbox(): string {
    const name = this.expectAstringText();
    return name.toUpperCase() === 'INBOX' ? 'INBOX' : name;
  }

  /** A LIST/LSUB pattern: list-char run (with % and *) or a string. */
  expectListMailbox(): string {
    const byte = this.peekByte();
    if (byte === DQUOTE || byte === 0x7b) return this.expectString().toString('utf8');
    if (this.failed) return '';
    const start = this.position;
    while (this.position < this.data.length && isListChar(this.data[this.position] ?? 0)) this.position += 1;
    if (this.position === start) {
      this.fail(`Expected mailbox pattern ${this.where()}`);
      return '';
    }
    return this.data.toString('latin1', start, this.position);
  }

  /**
   * "(" item *(SP item) ")" — `item` parses one element. With `allowEmpty`
   * "()" is accepted. Nesting deeper than the limit is an error.
   */
  expectList(item: () => void, options: { allowEmpty?: boolean } = {}): void {
    this.expect('(');
    if (this.failed) return;
    this.depth += 1;
    if (this.depth > this.maxDepth) {
      this.fail('Too deeply nested');
      return;
    }
    if (!(options.allowEmpty && this.peek(')'))) {
      item();
      while (!this.failed && this.consume(' ')) item();
    }
    this.expect(')');
    this.depth -= 1;
  }

  /** A flag: "\" atom (system flag or \* where the caller allows it) or a keyword atom. */
  expectFlag(options: { allowWildcard?: boolean } = {}): string {
    if (this.consume('\\')) {
      if (options.allowWildcard && this.consume('*')) return '\\*';
      return `\\${this.expectAtom()}`;
    }
    return this.expectAtom();
  }

  /** "(" [flag *(SP flag)] ")" */
  expectFlagList(): string[] {
    const flags: string[] = [];
    this.expectList(() => void flags.push(this.expectFlag()), { allowEmpty: true });
    return flags;
  }

  /** Flags as STORE takes them: a parenthesised list or bare flags separated by spaces. */
  expectFlags(): string[] {
    if (this.peek('(')) return this.expectFlagList();
    const flags = [this.expectFlag()];
    while (!this.failed && this.consume(' ')) flags.push(this.expectFlag());
    return flags;
  }

  /** sequence-set: ranges and numbers separated by commas, `*` for the last. */
  expectSequenceSet(): SequenceSet {
    const ranges: SequenceRange[] = [];
    do {
      const from = this.sequenceNumber();
      const to = this.consume(':') ? this.sequenceNumber() : from;
      ranges.push({ from, to });
    } while (!this.failed && this.consume(','));
    return this.failed ? [] : ranges;
  }

  /** True when the next token looks like a sequence set (SEARCH keys). */
  peekSequenceSet(): boolean {
    const byte = this.peekByte();
    return byte !== undefined && (isDigit(byte) || byte === 0x2a);
  }

  /** date-time: "dd-Mon-yyyy hh:mm:ss +zzzz" (quoted). */
  expectDateTime(): Date {
    const start = this.position;
    const text = this.expectString().toString('latin1');
    if (this.failed) return new Date(0);
    const match = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
    const month = match ? MONTHS.indexOf((match[2] ?? '').toUpperCase()) : -1;
    if (!match || month < 0) {
      this.fail(`Invalid date-time ${this.where(start)}`);
      return new Date(0);
    }
    const [day, year, hour, minute, second, zoneHours, zoneMinutes] = [1, 3, 4, 5, 6, 8, 9].map((index) => Number(match[index]));
    const zone = (match[7] === '-' ? -1 : 1) * ((zoneHours ?? 0) * 60 + (zoneMinutes ?? 0));
    const utc = Date.UTC(year ?? 0, month, day ?? 0, hour ?? 0, minute ?? 0, second ?? 0) - zone * 60_000;
    const check = new Date(Date.UTC(year ?? 0, month, day ?? 0));
    if (check.getUTCDate() !== day || (hour ?? 0) > 23 || (minute ?? 0) > 59 || (second ?? 0) > 60 || (zoneMinutes ?? 0) > 59) {
      this.fail(`Invalid date-time ${this.where(start)}`);
      return new Date(0);
    }
    return new Date(utc);
  }

  /** date: d-Mon-yyyy, bare or quoted (SEARCH BEFORE/ON/SINCE…). */
  expectDate(): CalendarDate {
    const start = this.position;
    const text = this.peek('"') ? this.expectString().toString('latin1') : this.expectAtom();
    if (this.failed) return { year: 0, month: 0, day: 0 };
    const match = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
    const month = match ? MONTHS.indexOf((match[2] ?? '').toUpperCase()) + 1 : 0;
    const day = Number(match?.[1]);
    const year = Number(match?.[3]);
    if (!match || month === 0 || new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) {
      this.fail(`Invalid date ${this.where(start)}`);
      return { year: 0, month: 0, day: 0 };
    }
    return { year, month, day };
  }

  /** True when the next argument is a literal8 (`~{n}`), for BINARY APPEND. */
  peekLiteral8(): boolean {
    return this.peek('~');
  }

  private sequenceNumber(): number {
    if (this.consume('*')) return LAST;
    return this.expectNzNumber();
  }

  private quoted(): Buffer {
    const start = this.position;
    this.position += 1;
    const bytes: number[] = [];
    while (this.position < this.data.length) {
      const byte = this.data[this.position] ?? 0;
      this.position += 1;
      if (byte === DQUOTE) return Buffer.from(bytes);
      if (byte === BACKSLASH) {
        const escaped = this.data[this.position];
        if (escaped !== DQUOTE && escaped !== BACKSLASH) break;
        bytes.push(escaped);
        this.position += 1;
        continue;
      }
      // CR, LF and NUL cannot be quoted; 8-bit text is tolerated (UTF-8 passwords).
      if (byte === 0x0d || byte === 0x0a || byte === 0) break;
      bytes.push(byte);
    }
    this.fail(`Invalid quoted string ${this.where(start)}`);
    return Buffer.alloc(0);
  }

  private literal(): Buffer {
    const start = this.position;
    const binary = this.consume('~');
    const header = /^\{(\d{1,20})\+?\}\r\n/.exec(this.data.toString('latin1', this.position, this.position + 26));
    const size = Number(header?.[1]);
    if (!header || this.position + header[0].length + size > this.data.length) {
      this.fail(`Invalid literal ${this.where(start)}`);
      return Buffer.alloc(0);
    }
    this.position += header[0].length;
    const value = this.data.subarray(this.position, this.position + size);
    this.position += size;
    if (!binary && value.includes(0)) {
      this.fail('NUL in literal (use literal8)');
      return Buffer.alloc(0);
    }
    return value;
  }

  private where(at = this.position): string {
    if (at >= this.data.length) return 'at end of command';
    const excerpt = this.data.toString('latin1', at, Math.min(at + 16, this.data.length)).replace(/[^\x20-\x7e]/g, '?');
    return `at "${excerpt}"`;
  }
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}
