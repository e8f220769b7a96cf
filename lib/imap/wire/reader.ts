// Reads one whole IMAP command from the client: the command line plus any
// literals it announces, answering `+` for synchronising literals. Every
// literal is checked against the command's limit BEFORE the `+` is sent, so
// a client is never invited to upload something we will refuse. The result
// is the command exactly as the grammar sees it (literals inline, each line
// break inside the command normalised to CRLF), ready for the Decoder.
import { LineTooLongError, type InputReader } from '../../net/input';

/** What the reader needs to know about the command being read. */
export interface LiteralPolicy {
  /** Largest total of literal bytes this command may carry. */
  readonly limit: number;
  /** APPEND answers `NO [TOOBIG]`; everything else `BAD`. */
  readonly tooBig: 'no' | 'bad';
}

export type ReadResult =
  | { readonly kind: 'command'; readonly data: Buffer }
  | { readonly kind: 'line-too-long'; readonly tag: string | undefined }
  /** `cutOff`: the literal was too big even to read past; the session must end. */
  | { readonly kind: 'literal-too-big'; readonly tag: string | undefined; readonly policy: LiteralPolicy; readonly cutOff: boolean }
  | { readonly kind: 'end' };

export interface ReaderHooks {
  /** Decides the literal policy from the first line (tag and command name). */
  policyFor(firstLine: Buffer): LiteralPolicy;
  /** Sends `+ Ready for argument` (and flushes) before a synchronising literal. */
  continueLiteral(): Promise<void>;
}

const CRLF = Buffer.from('\r\n');
/** `{123}`, `{123+}` or `~{123}` (literal8) at the end of a line. */
const LITERAL_AT_END = /~?\{(\d{1,20})(\+?)\}$/;
const DISCARD_CHUNK = 64 * 1024;

export class CommandReader {
  /**
   * `maxDiscard`: the largest refused non-synchronising literal that is read
   * and thrown away so the session can go on; a bigger one (a client
   * streaming gigabytes) ends the session instead of being read.
   */
  constructor(
    private readonly input: InputReader,
    private readonly maxLine: number,
    private readonly maxDiscard: number,
  ) {}

  async read(hooks: ReaderHooks): Promise<ReadResult> {
    const parts: Buffer[] = [];
    let tag: string | undefined;
    let policy: LiteralPolicy | undefined;
    let literalTotal = 0;
    for (;;) {
      let line: Buffer | undefined;
      try {
        // The session ends on an over-long line, so there is no reading to its end.
        line = await this.input.line(this.maxLine, this.maxLine);
      } catch (error) {
        if (!(error instanceof LineTooLongError)) throw error;
        // Only a command's first line starts with its tag; a later one continues after a literal.
        return { kind: 'line-too-long', tag: parts.length === 0 ? leadingTag(error.head, false) : tag };
      }
      if (line === undefined) return { kind: 'end' };
      if (parts.length === 0) {
        tag = leadingTag(line);
        policy = hooks.policyFor(line);
      }
      parts.push(line);
      const literal = LITERAL_AT_END.exec(line.toString('latin1', Math.max(0, line.length - 26)));
      if (!literal || !policy) return { kind: 'command', data: Buffer.concat(parts) };
      const size = Number(literal[1]);
      const synchronising = literal[2] !== '+';
      literalTotal += size;
      if (literalTotal > policy.limit) {
        // A non-synchronising literal arrives anyway: swallow it and the rest
        // of the command, in bounded chunks, so the next command parses.
        if (!synchronising && size > this.maxDiscard) return { kind: 'literal-too-big', tag, policy, cutOff: true };
        if (!synchronising && !(await this.discardRest(size))) return { kind: 'line-too-long', tag };
        return { kind: 'literal-too-big', tag, policy, cutOff: false };
      }
      if (synchronising) await hooks.continueLiteral();
      const data = await this.input.bytes(size);
      if (data === undefined) return { kind: 'end' };
      parts.push(CRLF, data);
    }
  }

  /** Reads past the rest of a refused command; false when that rest has an over-long line. */
  private async discardRest(literalSize: number): Promise<boolean> {
    let pending = literalSize;
    for (;;) {
      while (pending > 0) {
        const chunk = await this.input.bytes(Math.min(pending, DISCARD_CHUNK));
        if (chunk === undefined) {
          // The client hung up inside the literal: what it did send is literal
          // data too, never commands to run before the session ends.
          this.input.discardBuffered();
          return true;
        }
        pending -= chunk.length;
      }
      let line: Buffer | undefined;
      try {
        line = await this.input.line(this.maxLine, this.maxLine);
      } catch (error) {
        if (error instanceof LineTooLongError) return false;
        throw error;
      }
      if (line === undefined) return true;
      if (line.length > this.maxLine) return false;
      const literal = LITERAL_AT_END.exec(line.toString('latin1', Math.max(0, line.length - 26)));
      // A further synchronising literal is never announced: the client waits for a `+` it will not get.
      if (!literal || literal[2] !== '+') return true;
      pending = Number(literal[1]);
      if (pending > this.maxDiscard) return false;
    }
  }
}

/**
 * The tag of a command line, if it starts with something tag-shaped. Of the
 * head of a refused line (`whole` false) only a tag ended by a space counts:
 * a longer one was cut, and answering the cut tag would answer a tag never sent.
 */
export function leadingTag(line: Buffer, whole = true): string | undefined {
  const space = line.indexOf(0x20);
  if (space < 0 && !whole) return undefined;
  const word = line.toString('latin1', 0, space < 0 ? line.length : space);
  return /^[\x21-\x7e]+$/.test(word) && !/[(){%*"\\+]/.test(word) ? word : undefined;
}
