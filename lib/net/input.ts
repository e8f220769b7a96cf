// A pull-style reader over the client's bytes: protocol code awaits a line
// or a counted run of bytes (an IMAP literal). It holds at most one line or
// one literal plus one network chunk, pausing the connection otherwise, so a
// client that floods us cannot grow our memory.
import type { Connection } from './connection';

export class LineTooLongError extends Error {
  /**
   * `head`: the first bytes of the refused line (enough for an IMAP tag).
   * `whole`: the line was read through its end; when false the rest of it is
   * still to come, and the session cannot go on.
   */
  constructor(
    readonly limit: number,
    readonly head: Buffer = Buffer.alloc(0),
    readonly whole = true,
  ) {
    super(`line longer than ${limit} bytes`);
  }
}

const HIGH_WATER = 256 * 1024;
const HEAD_BYTES = 64;

export class InputReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  private wake: (() => void) | undefined;
  private paused = false;

  constructor(private readonly connection: Connection) {
    connection.onData((chunk) => this.push(chunk));
    connection.onInputEnd(() => {
      this.ended = true;
      this.notify();
    });
  }

  /** True when the client has sent bytes that nobody has read yet. */
  get hasBuffered(): boolean {
    return this.buffered > 0;
  }

  /** Drops everything received but not yet read (STARTTLS). */
  discardBuffered(): void {
    this.chunks = [];
    this.buffered = 0;
  }

  /**
   * The next line without its CRLF or bare LF, or undefined at end of input.
   * A line over `limit` bytes is consumed up to its end and reported as
   * LineTooLongError, so the caller can answer and carry on — unless more
   * than `skipLimit` bytes of it arrive first: a line that never ends must
   * not hold the session until a timer fires, so it is then reported at
   * once, unfinished.
   */
  async line(limit: number, skipLimit = Number.POSITIVE_INFINITY): Promise<Buffer | undefined> {
    let scanned = 0;
    let overflowed = false;
    let skipped = 0;
    let head = Buffer.alloc(0);
    for (;;) {
      const end = this.findNewline(scanned);
      if (end >= 0) {
        // end is the line's length before its LF; a long line that arrived
        // whole in one chunk is as over-long as one that overflowed.
        if (overflowed || end > limit + 1) {
          const rest = this.consume(end + 1);
          throw new LineTooLongError(limit, overflowed ? head : Buffer.from(rest.subarray(0, HEAD_BYTES)));
        }
        const raw = this.consume(end + 1);
        const cut = raw.length >= 2 && raw[raw.length - 2] === 0x0d ? 2 : 1;
        return raw.subarray(0, raw.length - cut);
      }
      if (this.buffered > limit) {
        skipped += this.buffered;
        if (!overflowed) head = Buffer.from(this.consume(this.buffered).subarray(0, HEAD_BYTES));
        else this.consume(this.buffered);
        overflowed = true;
        scanned = 0;
        if (skipped > skipLimit) throw new LineTooLongError(limit, head, false);
      } else {
        scanned = this.buffered;
      }
      if (this.ended) {
        if (overflowed) throw new LineTooLongError(limit, head);
        return undefined;
      }
      await this.waitForData();
    }
  }

  /** Exactly `count` bytes, or undefined when the input ends first. */
  async bytes(count: number): Promise<Buffer | undefined> {
    // A big literal is copied into place as it arrives: keeping its chunks
    // until the last one and joining them then would need twice its size.
    if (count > HIGH_WATER) return this.bytesInPlace(count);
    while (this.buffered < count) {
      if (this.ended) return undefined;
      await this.waitForData();
    }
    return this.consume(count);
  }

  private async bytesInPlace(count: number): Promise<Buffer | undefined> {
    const result = Buffer.allocUnsafe(count);
    let filled = 0;
    while (filled < count) {
      const first = this.chunks[0];
      if (!first) {
        if (this.ended) return undefined;
        await this.waitForData();
        continue;
      }
      filled += this.consume(Math.min(first.length, count - filled)).copy(result, filled);
    }
    return result;
  }

  /** Resolves when input is available or has ended, without consuming it. */
  async waitReadable(): Promise<void> {
    if (this.buffered === 0 && !this.ended) await this.waitForData();
  }

  get isEnded(): boolean {
    return this.ended && this.buffered === 0;
  }

  private push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered > HIGH_WATER && !this.wake && !this.paused) {
      this.paused = true;
      this.connection.pause();
    }
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private waitForData(): Promise<void> {
    if (this.paused) {
      this.paused = false;
      this.connection.resume();
    }
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private findNewline(from: number): number {
    let base = 0;
    for (const chunk of this.chunks) {
      if (from < base + chunk.length) {
        const at = chunk.indexOf(0x0a, Math.max(0, from - base));
        if (at >= 0) return base + at;
      }
      base += chunk.length;
    }
    return -1;
  }

  private consume(count: number): Buffer {
    let result: Buffer;
    const first = this.chunks[0];
    if (first && first.length >= count) {
      result = first.subarray(0, count);
      if (first.length === count) this.chunks.shift();
      else this.chunks[0] = first.subarray(count);
    } else {
      const all = Buffer.concat(this.chunks, this.buffered);
      result = all.subarray(0, count);
      const rest = all.subarray(count);
      this.chunks = rest.length > 0 ? [rest] : [];
    }
    this.buffered -= count;
    return result;
  }
}
