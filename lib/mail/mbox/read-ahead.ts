// Sequential reads of message text (FETCH 1:* BODY[]) through large
// blocks: while one block is being served, the next one is already being
// read, so the disk (or page cache copy) and the CRLF conversion overlap.
// The blocks live in two buffers used in turn, so reading a whole mailbox
// allocates nothing per block: what range() returns is only valid until the
// next call (callers copy what they keep).
import { readAt, readRange } from './file-io';

const BLOCK = 1 << 20;

interface Block {
  readonly start: number;
  readonly data: Buffer;
}

export class ReadAhead {
  private current: Block | undefined;
  private next: Promise<Block> | undefined;
  private nextStart = -1;
  private readonly buffers: (Buffer | undefined)[] = [undefined, undefined];
  private turn = 0;
  /** Counts the blocks served so far: a new value means the data came from a newer read. */
  blocks = 0;
  /** The last read into one of the two buffers; the next one waits for it. */
  private settled: Promise<void> = Promise.resolve();

  constructor(private readonly fd: number) {}

  /** Bytes [start, end) of the file (fewer only at end of file), valid until the next call. */
  async range(start: number, end: number): Promise<Buffer> {
    const within = (block: Block | undefined): block is Block =>
      block !== undefined && start >= block.start && end <= block.start + block.data.length;
    if (!within(this.current) && this.next && start >= this.nextStart) {
      const upcoming = await this.next;
      this.next = undefined;
      if (within(upcoming)) {
        this.current = upcoming;
        this.blocks++;
      }
    }
    if (!within(this.current)) {
      this.next = undefined;
      const data = (await this.read(start, Math.max(end - start, BLOCK))).data;
      this.current = { start, data };
      this.blocks++;
      if (data.length < end - start) return data;
    }
    const block = this.current as Block;
    if (!this.next && block.data.length >= BLOCK && end > block.start + block.data.length / 2) {
      // Start the following block from where the current request ends, so
      // a message that straddles the boundary lands whole in it.
      this.nextStart = end;
      this.next = this.read(end, BLOCK);
      this.next.catch(() => undefined);
    }
    return block.data.subarray(start - block.start, end - block.start);
  }

  /** Forgets everything read (the file changed). */
  reset(): void {
    this.current = undefined;
    this.next = undefined;
  }

  /** One block into the buffer whose turn it is (a larger request gets its own buffer). */
  private read(start: number, length: number): Promise<Block> {
    if (length > BLOCK) return readRange(this.fd, start, length).then((data) => ({ start, data }));
    const slot = this.turn;
    this.turn ^= 1;
    const block = this.settled.then(async () => {
      const buffer = this.buffers[slot] ?? Buffer.allocUnsafe(BLOCK);
      this.buffers[slot] = buffer;
      const got = await readAt(this.fd, buffer, 0, length, start);
      return { start, data: buffer.subarray(0, got) };
    });
    this.settled = block.then(() => undefined, () => undefined);
    return block;
  }
}
