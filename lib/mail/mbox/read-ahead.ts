// Sequential reads of message text (FETCH 1:* BODY[]) through large
// blocks: while one block is being served, the next one is already being
// read, so the disk (or page cache copy) and the CRLF conversion overlap.
import { readRange } from './file-io';

const BLOCK = 1 << 20;

interface Block {
  readonly start: number;
  readonly data: Buffer;
}

export class ReadAhead {
  private current: Block | undefined;
  private next: Promise<Block> | undefined;
  private nextStart = -1;

  constructor(private readonly fd: number) {}

  /** Bytes [start, end) of the file (fewer only at end of file). */
  async range(start: number, end: number): Promise<Buffer> {
    const within = (block: Block | undefined): block is Block =>
      block !== undefined && start >= block.start && end <= block.start + block.data.length;
    if (!within(this.current) && this.next && start >= this.nextStart) {
      const upcoming = await this.next;
      this.next = undefined;
      if (within(upcoming)) this.current = upcoming;
    }
    if (!within(this.current)) {
      this.next = undefined;
      const data = await readRange(this.fd, start, Math.max(end - start, BLOCK));
      this.current = { start, data };
      if (data.length < end - start) return data;
    }
    const block = this.current as Block;
    if (!this.next && block.data.length >= BLOCK && end > block.start + block.data.length / 2) {
      // Start the following block from where the current request ends, so
      // a message that straddles the boundary lands whole in it.
      this.nextStart = end;
      this.next = readRange(this.fd, end, BLOCK).then((data) => ({ start: end, data }));
      this.next.catch(() => undefined);
    }
    return block.data.subarray(start - block.start, end - block.start);
  }

  /** Forgets everything read (the file changed). */
  reset(): void {
    this.current = undefined;
    this.next = undefined;
  }
}
