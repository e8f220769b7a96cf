// The client side of a line protocol (POP3, POP2) in lockstep: send one
// line, read its answer from the server's output as it arrives. A server
// that owes an answer and stays silent past the hang timer is a failure.
import type { Random } from '../../../bench/random';
import { HANG_MS, type LiveServer } from './live';
import { writeInPieces } from './outcome';

export type Read<T> = T | 'closed' | 'silent';

export class LineClient {
  private cursor = 0;

  constructor(private readonly server: LiveServer) {}

  /** The next line without its CRLF; a bare LF is kept visible as "<bare LF>" so the check sees it. */
  async line(): Promise<Read<string>> {
    let end = -1;
    const ready = (): boolean => {
      end = this.server.output.indexOf(10, this.cursor);
      return end >= 0;
    };
    if (!(await this.server.waitFor(ready, HANG_MS))) return 'silent';
    if (end < 0) return 'closed';
    const raw = this.server.output.toString('latin1', this.cursor, end);
    this.cursor = end + 1;
    return raw.endsWith('\r') ? raw.slice(0, -1) : `${raw}<bare LF>`;
  }

  /** Exactly `count` bytes; when the server closes first, what came ('closed' if nothing). */
  async bytes(count: number): Promise<Read<Buffer>> {
    const ready = (): boolean => this.server.outputSize - this.cursor >= count;
    if (!(await this.server.waitFor(ready, HANG_MS))) return 'silent';
    const available = Math.min(count, this.server.outputSize - this.cursor);
    if (available === 0) return 'closed';
    const data = this.server.output.subarray(this.cursor, this.cursor + available);
    this.cursor += available;
    return data;
  }

  /** Bytes the server sent that no answer accounted for. */
  get unread(): number {
    return this.server.outputSize - this.cursor;
  }

  async send(random: Random, text: string): Promise<void> {
    await writeInPieces(this.server, random, Buffer.from(text, 'latin1'));
  }
}

/** A plan's bytes cut into the lines the server will read (LF ends a line; a last piece without LF stays partial). */
export function serverLines(text: string): { lines: string[]; partial: string } {
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const end = text.indexOf('\n', start);
    if (end < 0) return { lines, partial: text.slice(start) };
    lines.push(text.slice(start, end + 1));
    start = end + 1;
  }
}

/** A line as the server hands it to the protocol: without LF and one CR before it. */
export function withoutEnding(line: string): string {
  return line.replace(/\r?\n$/, '');
}

/** Status text must be printable 7-bit. */
export function unprintable(line: string): boolean {
  return /[^\x20-\x7e]/.test(line);
}
