// A small seeded pseudo-random generator (sfc32), so that the same seed
// always yields the same mailbox on every machine and Node version.

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 16; i++) this.next();
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.next() / 0x100000000;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.float() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** An integer drawn log-uniformly from [min, max]: many small, few large. */
  logUniform(min: number, max: number): number {
    return Math.round(min * Math.pow(max / min, this.float()));
  }

  /** `length` pseudo-random bytes (attachment payloads). */
  bytes(length: number): Buffer {
    const buffer = Buffer.allocUnsafe(length + 3);
    for (let at = 0; at < length; at += 4) buffer.writeUInt32LE(this.next(), at);
    return buffer.subarray(0, length);
  }
}
