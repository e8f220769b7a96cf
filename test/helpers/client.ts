// A small scripted client for exact transcripts: send lines, read lines,
// wait for a tagged completion or a pattern. Works over TCP (optionally
// TLS) or over a child's pipes.
import { connect, type Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';

/** Test servers use a self-signed certificate made for "localhost". */
const TEST_TLS = { rejectUnauthorized: false, servername: 'localhost' } as const;

export class ScriptClient {
  private buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  private closed = false;
  readonly transcript: string[] = [];

  constructor(private readable: Readable, private writable: Writable) {
    this.attach(readable);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<ScriptClient> {
    return new Promise((resolve, reject) => {
      const socket: Socket = connect(port, host, () => resolve(new ScriptClient(socket, socket)));
      socket.once('error', reject);
    });
  }

  /** A client speaking TLS from the first byte (imaps, pop3s). */
  static connectTls(port: number, host = '127.0.0.1'): Promise<ScriptClient> {
    return new Promise((resolve, reject) => {
      const socket = tlsConnect({ host, port, ...TEST_TLS }, () => resolve(new ScriptClient(socket, socket)));
      socket.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Replaces the transport (after STARTTLS). Unread bytes are dropped. */
  replaceTransport(readable: Readable, writable: Writable): void {
    this.buffer = Buffer.alloc(0);
    this.readable = readable;
    this.writable = writable;
    this.attach(readable);
  }

  /** After the server's go-ahead (STARTTLS, STLS): the handshake, then the same client over TLS. */
  async startTls(): Promise<void> {
    const secure = tlsConnect({ socket: this.readable as Socket, ...TEST_TLS });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.replaceTransport(secure, secure);
  }

  get socket(): Readable {
    return this.readable;
  }

  send(line: string | Buffer): void {
    this.writable.write(typeof line === 'string' ? `${line}\r\n` : line);
  }

  write(data: string | Buffer): void {
    this.writable.write(data);
  }

  /** The next CRLF-terminated line (without CRLF), or undefined at close. */
  async line(timeoutMs = 10000): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.buffer.indexOf('\n');
      if (at >= 0) {
        const raw = this.buffer.subarray(0, at).toString('latin1').replace(/\r$/, '');
        this.buffer = this.buffer.subarray(at + 1);
        this.transcript.push(raw);
        return raw;
      }
      if (this.closed) return undefined;
      await this.wait(deadline - Date.now());
    }
  }

  /** Exactly `count` bytes (for literals in responses). */
  async bytes(count: number, timeoutMs = 10000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.buffer.length < count) {
      if (this.closed) throw new Error(`connection closed with ${this.buffer.length}/${count} bytes`);
      await this.wait(deadline - Date.now());
    }
    const data = this.buffer.subarray(0, count);
    this.buffer = this.buffer.subarray(count);
    return data;
  }

  /** Lines up to and including the one starting with `tag ` (literals are inlined). */
  async until(tag: string, timeoutMs = 10000): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.line(timeoutMs);
      if (line === undefined) throw new Error(`closed before ${tag}: ${lines.join(' | ')}`);
      let full = line;
      let literal = /\{(\d+)\}$/.exec(full);
      while (literal) {
        const data = await this.bytes(Number(literal[1]), timeoutMs);
        const rest = (await this.line(timeoutMs)) ?? '';
        full += `\r\n${data.toString('latin1')}${rest}`;
        literal = /\{(\d+)\}$/.exec(rest);
      }
      lines.push(full);
      if (full.startsWith(`${tag} `)) return lines;
    }
  }

  /** Sends `tag command` and returns the responses through the tagged one. */
  async command(tag: string, command: string, timeoutMs = 10000): Promise<string[]> {
    this.send(`${tag} ${command}`);
    return this.until(tag, timeoutMs);
  }

  /** Resolves when the server closes the connection. */
  async closedByServer(timeoutMs = 10000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) await this.wait(deadline - Date.now());
  }

  close(): void {
    this.writable.end();
    (this.readable as Socket).destroy?.();
  }

  private attach(readable: Readable): void {
    readable.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.notify();
    });
    const onEnd = (): void => {
      if (readable !== this.readable) return;
      this.closed = true;
      this.notify();
    };
    readable.on('end', onEnd);
    readable.on('close', onEnd);
    readable.on('error', onEnd);
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private wait(ms: number): Promise<void> {
    if (ms <= 0) return Promise.reject(new Error(`timed out; got so far: ${this.transcript.slice(-5).join(' | ')}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out; got so far: ${this.transcript.slice(-5).join(' | ')}`)), ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
