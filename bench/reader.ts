// A fast pull reader for server responses. The benchmark client must never
// be the bottleneck, so it skips over message data without copying it:
// IMAP literals are skipped by count, POP3 multi-line bodies by searching
// for the terminator.
import type { Readable } from 'node:stream';

export class ResponseClosedError extends Error {}

const POP3_TERMINATOR = Buffer.from('\n.\r\n');
const POP3_EMPTY_BODY = Buffer.from('.\r\n');

export class ResponseReader {
  private buffer: Buffer = Buffer.alloc(0);
  private offset = 0;
  private ended = false;
  private wake: (() => void) | undefined;
  /** Bytes received so far. */
  received = 0;

  constructor(stream: Readable) {
    stream.on('data', (chunk: Buffer) => {
      this.received += chunk.length;
      this.buffer = this.offset >= this.buffer.length ? chunk : Buffer.concat([this.buffer.subarray(this.offset), chunk]);
      this.offset = 0;
      this.notify();
    });
    const end = (): void => {
      this.ended = true;
      this.notify();
    };
    stream.on('end', end);
    stream.on('close', end);
    stream.on('error', end);
  }

  /** The next line without its line end. */
  async line(): Promise<string> {
    for (;;) {
      const newline = this.buffer.indexOf(10, this.offset);
      if (newline >= 0) {
        const end = newline > this.offset && this.buffer[newline - 1] === 13 ? newline - 1 : newline;
        const text = this.buffer.toString('latin1', this.offset, end);
        this.offset = newline + 1;
        return text;
      }
      await this.more();
    }
  }

  /**
   * Skips IMAP responses up to the tagged one and returns that line. Every
   * line (not literal data) is shown to `watch` as latin1 text.
   */
  async untilTagged(tag: string, watch?: (line: string) => void): Promise<string> {
    const prefix = Buffer.from(`${tag} `, 'latin1');
    for (;;) {
      const newline = this.buffer.indexOf(10, this.offset);
      if (newline < 0) {
        await this.more();
        continue;
      }
      const start = this.offset;
      this.offset = newline + 1;
      const end = newline > start && this.buffer[newline - 1] === 13 ? newline - 1 : newline;
      const literal = literalLength(this.buffer, start, end);
      if (watch) watch(this.buffer.toString('latin1', start, end));
      if (literal !== undefined) {
        await this.skip(literal);
        continue;
      }
      if (this.buffer.compare(prefix, 0, prefix.length, start, Math.min(end, start + prefix.length)) === 0) {
        return this.buffer.toString('latin1', start, end);
      }
    }
  }

  /** Skips a POP3 multi-line body (after its status line); returns its size in bytes. */
  async multiline(): Promise<number> {
    let size = 0;
    while (this.buffer.length - this.offset < POP3_EMPTY_BODY.length) await this.more();
    if (this.buffer.compare(POP3_EMPTY_BODY, 0, POP3_EMPTY_BODY.length, this.offset, this.offset + POP3_EMPTY_BODY.length) === 0) {
      this.offset += POP3_EMPTY_BODY.length;
      return 0;
    }
    for (;;) {
      const at = this.buffer.indexOf(POP3_TERMINATOR, this.offset);
      if (at >= 0) {
        size += at + 1 - this.offset;
        this.offset = at + POP3_TERMINATOR.length;
        return size;
      }
      // Keep a tail that could be the start of a terminator split across chunks.
      const keep = Math.max(this.offset, this.buffer.length - (POP3_TERMINATOR.length - 1));
      size += keep - this.offset;
      this.offset = keep;
      await this.more();
    }
  }

  private async skip(count: number): Promise<void> {
    let remaining = count;
    for (;;) {
      const available = this.buffer.length - this.offset;
      if (available >= remaining) {
        this.offset += remaining;
        return;
      }
      remaining -= available;
      this.offset = this.buffer.length;
      await this.more();
    }
  }

  private more(): Promise<void> {
    if (this.ended) return Promise.reject(new ResponseClosedError('the server closed the connection'));
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** n when the line [start, end) ends in an IMAP literal announcement "{n}" (or "{n+}"). */
function literalLength(buffer: Buffer, start: number, end: number): number | undefined {
  if (end - start < 3 || buffer[end - 1] !== 0x7d) return undefined;
  let at = end - 2;
  if (buffer[at] === 0x2b) at--;
  let value = 0;
  let scale = 1;
  while (at > start && (buffer[at] ?? 0) >= 0x30 && (buffer[at] ?? 0) <= 0x39) {
    value += ((buffer[at] ?? 0) - 0x30) * scale;
    scale *= 10;
    at--;
  }
  return scale > 1 && buffer[at] === 0x7b ? value : undefined;
}
