// A strict reader of IMAP server responses (RFC 3501 §9, literal8 from
// RFC 3516): it frames each response by its line ends and literal lengths,
// then parses it in full, so a literal that lies about its length, an
// unbalanced parenthesis, a NUL in a literal or 8-bit data in a quoted
// string is an error rather than something a lenient client would skip.
import type { Readable } from 'node:stream';

/** A parsed value: atom or number (string), string data (Buffer), NIL (null), list, or literal8. */
export type Value = string | Buffer | null | Literal8 | Value[];

export class Literal8 {
  constructor(readonly data: Buffer) {}
}

export interface Response {
  /** `*`, `+`, or the command's tag. */
  readonly tag: string;
  /** OK, NO, BAD, BYE or PREAUTH for status responses. */
  readonly status?: string;
  /** The response code's text inside [ ], if any. */
  readonly code?: string;
  readonly text?: string;
  /** The values of a data response (`* 3 FETCH (...)` gives '3', 'FETCH', [...]). */
  readonly values: readonly Value[];
  /** Size on the wire, for counting. */
  readonly bytes: number;
}

export class MalformedResponse extends Error {}

const LF = 0x0a;
const CR = 0x0d;
const STATUS = new Set(['OK', 'NO', 'BAD', 'BYE', 'PREAUTH']);
const LITERAL_AT_END = /~?\{(\d+)\}\r$/;

/** Frames responses from a stream and parses each one. */
export class ResponseReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly framed: number[] = [];
  private scanned = 0;
  private lineTail = '';
  private literalLeft = 0;
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(stream: Readable) {
    stream.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      this.frame(chunk);
      this.wake?.();
    });
    stream.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  /** The next response; throws MalformedResponse, or on close or after `timeoutMs` (a hang). */
  async next(timeoutMs: number): Promise<Response> {
    const deadline = Date.now() + timeoutMs;
    while (this.framed.length === 0) {
      if (this.closed) throw new Error('the server closed the connection');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no complete response within ${timeoutMs} ms (hang)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    return parseResponse(this.take(this.framed.shift() as number));
  }

  /** Follows line ends and literal lengths through a new chunk, noting where responses end. */
  private frame(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.literalLeft > 0) {
        const take = Math.min(this.literalLeft, chunk.length - at);
        this.literalLeft -= take;
        this.scanned += take;
        at += take;
        continue;
      }
      const lf = chunk.indexOf(LF, at);
      const end = lf < 0 ? chunk.length : lf;
      this.lineTail = (this.lineTail + chunk.toString('latin1', Math.max(at, end - 32), end)).slice(-32);
      this.scanned += end - at;
      at = end;
      if (lf < 0) continue;
      this.scanned += 1;
      at += 1;
      const literal = LITERAL_AT_END.exec(this.lineTail);
      this.lineTail = '';
      if (literal !== null) this.literalLeft = Number(literal[1]);
      else {
        this.framed.push(this.scanned);
        this.scanned = 0;
      }
    }
  }

  private take(length: number): Buffer {
    const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.buffered);
    const response = all.subarray(0, length);
    const rest = all.subarray(length);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return response;
  }
}

/** Parses one whole response (ending with CRLF). */
export function parseResponse(data: Buffer): Response {
  const parser = new Parser(data);
  return parser.response();
}

class Parser {
  private at = 0;

  constructor(private readonly data: Buffer) {}

  response(): Response {
    const tag = this.word();
    if (tag === '') this.fail('empty tag');
    if (tag === '+') return { tag, text: this.restOfLine(), values: [], bytes: this.data.length };
    this.expect(' ');
    const mark = this.at;
    const word = this.word();
    if (STATUS.has(word) && (tag === '*' || word !== 'PREAUTH')) return this.status(tag, word);
    if (tag !== '*') this.fail(`tagged response without a status: ${word}`);
    this.at = mark;
    const values: Value[] = [];
    for (;;) {
      values.push(this.value());
      if (this.atLineEnd()) break;
      if (!this.listFollowsList(values)) this.expect(' ');
    }
    this.endOfResponse();
    return { tag, values, bytes: this.data.length };
  }

  private status(tag: string, status: string): Response {
    let code: string | undefined;
    if (this.data[this.at] === 0x20 && this.data[this.at + 1] === 0x5b) {
      this.at += 2;
      const close = this.data.indexOf(']', this.at);
      const lineEnd = this.data.indexOf('\r\n', this.at);
      if (close < 0 || close > lineEnd) this.fail('unterminated response code');
      code = this.data.toString('latin1', this.at, close);
      this.at = close + 1;
    }
    const text = this.restOfLine().replace(/^ /, '');
    return { tag, status, ...(code !== undefined && { code }), text, values: [], bytes: this.data.length };
  }

  private value(): Value {
    const byte = this.data[this.at];
    if (byte === 0x28) return this.list();
    if (byte === 0x22) return this.quoted();
    if (byte === 0x7b) return this.literal();
    if (byte === 0x7e && this.data[this.at + 1] === 0x7b) {
      this.at += 1;
      return new Literal8(this.literal(true));
    }
    const atom = this.atom();
    return atom === 'NIL' ? null : atom;
  }

  private list(): Value[] {
    this.at += 1;
    const items: Value[] = [];
    while (this.data[this.at] !== 0x29) {
      if (items.length > 0 && !this.listFollowsList(items)) this.expect(' ');
      if (this.at >= this.data.length || this.atLineEnd()) this.fail('unbalanced parenthesis');
      items.push(this.value());
    }
    this.at += 1;
    return items;
  }

  /** The bodies of a multipart (body-type-mpart) and THREAD's thread lists follow each other with no space. */
  private listFollowsList(values: readonly Value[]): boolean {
    return Array.isArray(values.at(-1)) && this.data[this.at] === 0x28;
  }

  private quoted(): Buffer {
    this.at += 1;
    const bytes: number[] = [];
    for (;;) {
      const byte = this.data[this.at];
      if (byte === undefined || byte === CR || byte === LF || byte === 0 || byte >= 0x80) this.fail('bad byte in a quoted string');
      this.at += 1;
      if (byte === 0x22) return Buffer.from(bytes);
      if (byte === 0x5c) {
        const escaped = this.data[this.at];
        if (escaped !== 0x5c && escaped !== 0x22) this.fail('bad escape in a quoted string');
        bytes.push(escaped as number);
        this.at += 1;
      } else bytes.push(byte as number);
    }
  }

  private literal(binary = false): Buffer {
    const close = this.data.indexOf('}\r\n', this.at);
    if (close < 0) this.fail('bad literal prefix');
    const count = this.data.toString('latin1', this.at + 1, close);
    if (!/^\d+$/.test(count)) this.fail(`bad literal length ${count}`);
    const start = close + 3;
    const end = start + Number(count);
    if (end > this.data.length) this.fail('literal longer than the response');
    const content = this.data.subarray(start, end);
    if (!binary && content.includes(0)) this.fail('NUL in a literal');
    this.at = end;
    return content;
  }

  /** An atom; a `[...]` section (which may hold spaces, lists and strings) and `<n>` stay part of it. */
  private atom(): string {
    const start = this.at;
    let depth = 0;
    for (;;) {
      const byte = this.data[this.at];
      if (byte === undefined) this.fail('response ends inside an atom');
      if (byte === 0x5b) depth += 1;
      else if (byte === 0x5d) depth -= 1;
      else if (byte === 0x22 && depth > 0) {
        this.quoted();
        continue;
      } else if (depth === 0 && (byte === 0x20 || byte === 0x28 || byte === 0x29 || byte === CR)) break;
      else if (byte < 0x20 || byte >= 0x7f || (depth === 0 && (byte === 0x22 || byte === 0x7b))) this.fail(`bad byte 0x${byte.toString(16)} in an atom`);
      this.at += 1;
    }
    if (this.at === start || depth !== 0) this.fail('empty or unbalanced atom');
    return this.data.toString('latin1', start, this.at);
  }

  private word(): string {
    const start = this.at;
    while (this.at < this.data.length && this.data[this.at] !== 0x20 && this.data[this.at] !== CR) this.at += 1;
    return this.data.toString('latin1', start, this.at);
  }

  private restOfLine(): string {
    const end = this.data.indexOf('\r\n', this.at);
    if (end < 0) this.fail('no CRLF');
    const text = this.data.toString('latin1', this.at, end);
    if (text.includes('\0')) this.fail('NUL in response text');
    this.at = end;
    this.endOfResponse();
    return text;
  }

  private atLineEnd(): boolean {
    return this.data[this.at] === CR && this.data[this.at + 1] === LF;
  }

  private endOfResponse(): void {
    if (!this.atLineEnd() || this.at + 2 !== this.data.length) this.fail('junk after the end of the response');
  }

  private expect(char: string): void {
    if (this.data[this.at] !== char.charCodeAt(0)) this.fail(`expected "${char}"`);
    this.at += 1;
  }

  private fail(why: string): never {
    const context = this.data.toString('latin1', Math.max(0, this.at - 40), this.at + 40);
    throw new MalformedResponse(`${why} at byte ${this.at}: ${JSON.stringify(context)}`);
  }
}

/** The items of a `* n FETCH (...)` response, by name; undefined for any other response. */
export function fetchItems(response: Response): Map<string, Value> | undefined {
  const [, keyword, list] = response.values;
  if (response.tag !== '*' || keyword !== 'FETCH' || !Array.isArray(list)) return undefined;
  if (list.length % 2 !== 0) throw new MalformedResponse('FETCH list with a name but no value');
  const items = new Map<string, Value>();
  for (let index = 0; index < list.length; index += 2) {
    const name = list[index];
    if (typeof name !== 'string') throw new MalformedResponse('FETCH item name is not an atom');
    items.set(name, list[index + 1] as Value);
  }
  return items;
}
