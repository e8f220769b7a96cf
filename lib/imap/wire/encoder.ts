// Builds response text with the right representation for every value:
// atoms where the grammar allows them, quoted strings for short 7-bit text,
// literals for everything else (8-bit, CR/LF, long). Message data stays a
// Buffer from disk to socket: parts are collected, not concatenated.

const QUOTED_MAX = 1024;
/** Text that isQuotable() would accept: 7-bit, no NUL, CR or LF. */
const QUOTABLE_TEXT = /^[\x01-\x09\x0b\x0c\x0e-\x7f]*$/;

/** True when `value` can be sent as an astring atom (ASTRING-CHARs, and not NIL, which would read as nil). */
export function isAtom(value: string): boolean {
  return /^[\x21\x23\x24\x26\x27\x2b-\x5b\x5d-\x7a\x7c-\x7e]+$/.test(value) && value.toUpperCase() !== 'NIL';
}

function isQuotable(value: Buffer): boolean {
  if (value.length > QUOTED_MAX) return false;
  for (const byte of value) {
    if (byte === 0 || byte === 0x0a || byte === 0x0d || byte >= 0x80) return false;
  }
  return true;
}

/**
 * A NUL cannot travel in an IMAP4rev1 literal; it becomes 0x80, which keeps
 * the byte count (so sizes stay true) and is visibly not text.
 */
function withoutNul(value: Buffer): Buffer {
  if (!value.includes(0)) return value;
  const copy = Buffer.from(value);
  for (let index = copy.indexOf(0); index >= 0; index = copy.indexOf(0, index + 1)) copy[index] = 0x80;
  return copy;
}

export class Encoder {
  private readonly parts: Array<string | Buffer> = [];

  /** Protocol text as is (keywords, atoms the caller knows are atoms, punctuation). */
  raw(text: string): this {
    // Adjacent text is joined, so a response goes out in a few writes, not one per token.
    const last = this.parts.length - 1;
    if (typeof this.parts[last] === 'string') this.parts[last] += text;
    else this.parts.push(text);
    return this;
  }

  sp(): this {
    return this.raw(' ');
  }

  number(value: number): this {
    return this.raw(String(value));
  }

  /** A string (quoted or literal; never an atom). */
  string(value: string | Buffer): this {
    // Short 7-bit text (most ENVELOPE and BODYSTRUCTURE strings) needs no Buffer.
    if (typeof value === 'string' && value.length <= QUOTED_MAX && QUOTABLE_TEXT.test(value)) {
      return this.raw(`"${value.replace(/[\\"]/g, '\\$&')}"`);
    }
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    if (isQuotable(bytes)) return this.raw(`"${bytes.toString('ascii').replace(/[\\"]/g, '\\$&')}"`);
    return this.literal(bytes);
  }

  /** An astring: an atom when possible, otherwise a string. */
  astring(value: string): this {
    return isAtom(value) ? this.raw(value) : this.string(value);
  }

  /** NIL for undefined or null, otherwise a string. */
  nstring(value: string | Buffer | undefined | null): this {
    return value === undefined || value === null ? this.raw('NIL') : this.string(value);
  }

  /** A mailbox name (wire form), as astring. */
  mailbox(name: string): this {
    return this.astring(name);
  }

  /** A literal `{n}` CRLF data; NUL bytes are replaced unless `binary` (literal8 `~{n}`). */
  literal(data: Buffer, options: { binary?: boolean } = {}): this {
    const payload = options.binary ? data : withoutNul(data);
    this.parts.push(`${options.binary ? '~' : ''}{${payload.length}}\r\n`, payload);
    return this;
  }

  /** "(" items separated by SP ")", each written by `each`. */
  list<T>(items: Iterable<T>, each: (item: T, encoder: this) => void): this {
    this.raw('(');
    let first = true;
    for (const item of items) {
      if (!first) this.sp();
      first = false;
      each(item, this);
    }
    return this.raw(')');
  }

  /** A list of flags or other atoms written as they are. */
  atomList(atoms: Iterable<string>): this {
    return this.list(atoms, (atom) => void this.raw(atom));
  }

  /** The collected parts, for writing without concatenation (text parts go out as UTF-8). */
  chunks(): ReadonlyArray<string | Buffer> {
    return this.parts;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part)));
  }
}
