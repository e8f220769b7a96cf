// The client connection a server process inherits. Under inetd, xinetd or
// systemd (Accept=yes) fd 0 and fd 1 are the client's socket; over an ssh
// tunnel or in manual use they are pipes or a terminal. Either way the
// session sees one duplex byte stream, which STARTTLS can later wrap.
import { fstatSync } from 'node:fs';
import { Socket } from 'node:net';
import { Duplex, type Readable, type Writable } from 'node:stream';
import type { SecureContext, TLSSocket } from 'node:tls';

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

export class Connection {
  private stream: Duplex;
  private dataListener: ((chunk: Buffer) => void) | undefined;
  private closeListeners: Array<() => void> = [];
  private inputEndListeners: Array<() => void> = [];
  private inputEnded = false;
  private closed = false;
  private tlsSocket: TLSSocket | undefined;

  private constructor(
    stream: Duplex,
    readonly peer: Endpoint | undefined,
    readonly local: Endpoint | undefined,
  ) {
    this.stream = stream;
    this.attach(stream);
  }

  /** Opens fd 0/fd 1 as the session's connection. */
  static fromStdio(): Connection {
    const input = fstatSync(0);
    const output = fstatSync(1);
    if (input.isSocket() && input.ino === output.ino && input.dev === output.dev) {
      const socket = new Socket({ fd: 0, readable: true, writable: true, allowHalfOpen: true });
      socket.setNoDelay(true);
      const peer = socket.remoteAddress ? { address: unmapIPv4(socket.remoteAddress), port: socket.remotePort ?? 0 } : undefined;
      const local = socket.localAddress ? { address: unmapIPv4(socket.localAddress), port: socket.localPort ?? 0 } : undefined;
      return new Connection(socket, peer, local);
    }
    // Two different descriptors: pipes, a terminal, or a socketpair per
    // direction (as node's child_process gives). Read fd 0, write fd 1.
    return Connection.fromPipes(process.stdin, process.stdout);
  }

  /** A one-way stream from the client and one to it (pipes, a terminal), with no peer address. */
  static fromPipes(input: Readable, output: Writable): Connection {
    return new Connection(new PipePair(input, output), undefined, undefined);
  }

  /** For unit tests and in-process use: any duplex stream. */
  static fromStream(stream: Duplex, peer?: Endpoint, local?: Endpoint): Connection {
    return new Connection(stream, peer, local);
  }

  get secure(): boolean {
    return this.tlsSocket !== undefined;
  }

  /** Details of the negotiated TLS session, for logging. */
  get tlsDescription(): string | undefined {
    const socket = this.tlsSocket;
    if (!socket) return undefined;
    return `${socket.getProtocol() ?? 'TLS'} ${socket.getCipher()?.name ?? ''}`.trim();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.dataListener = listener;
  }

  /** The connection is gone both ways: nothing more can be sent. */
  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /** The client will send nothing more (it may still be reading). */
  onInputEnd(listener: () => void): void {
    this.inputEndListeners.push(listener);
  }

  pause(): void {
    this.stream.pause();
  }

  resume(): void {
    this.stream.resume();
  }

  /** Queues bytes for the client. Returns false when the caller should wait for drain(). */
  write(data: string | Buffer): boolean {
    if (this.closed) return true;
    return this.stream.write(data);
  }

  /** Resolves when the output buffer has room again (or the connection is gone). */
  drain(): Promise<void> {
    if (this.closed || !this.stream.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('close', done);
    });
  }

  /**
   * Replaces the byte stream with a TLS server session on top of it. Any
   * bytes the client sent before the handshake must already have been
   * discarded by the caller (STARTTLS injection, CVE-2011-0411).
   */
  async startTls(context: SecureContext): Promise<void> {
    const { TLSSocket } = await import('node:tls');
    const plain = this.stream;
    plain.removeAllListeners('data');
    plain.removeAllListeners('end');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    plain.on('error', () => undefined);
    const secure = new TLSSocket(plain as Socket, { isServer: true, secureContext: context });
    await new Promise<void>((resolve, reject) => {
      secure.once('secure', resolve);
      secure.once('error', reject);
      secure.once('close', () => reject(new Error('connection closed during TLS handshake')));
    });
    secure.removeAllListeners('error');
    secure.removeAllListeners('close');
    this.tlsSocket = secure;
    this.stream = secure;
    this.attach(secure);
  }

  /** Flushes what was written, closes the connection and resolves when done. */
  end(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.stream.destroy();
        resolve();
      }, 2000);
      this.stream.end(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private attach(stream: Duplex): void {
    stream.on('data', (chunk: Buffer) => this.dataListener?.(chunk));
    stream.on('error', () => this.markClosed());
    stream.on('end', () => this.markInputEnded());
    stream.on('close', () => this.markClosed());
  }

  private markInputEnded(): void {
    if (this.inputEnded) return;
    this.inputEnded = true;
    for (const listener of this.inputEndListeners) listener();
  }

  private markClosed(): void {
    this.markInputEnded();
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.closeListeners) listener();
  }
}

/**
 * Two one-way streams as one half-open duplex, as Duplex.from() joins them,
 * without the modules Duplex.from() loads (over a millisecond of every
 * start-up over pipes).
 */
class PipePair extends Duplex {
  private waitingForDrain: (() => void) | undefined;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
  ) {
    super({ allowHalfOpen: true });
    input.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) input.pause();
    });
    input.on('end', () => this.push(null));
    input.on('error', (error) => this.destroy(error));
    output.on('error', (error) => this.destroy(error));
    output.on('drain', () => this.drained());
  }

  override _read(): void {
    this.input.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.output.write(chunk, encoding)) callback();
    else this.waitingForDrain = callback;
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.output.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.input.destroy();
    this.output.destroy();
    this.drained();
    callback(error);
  }

  private drained(): void {
    const callback = this.waitingForDrain;
    this.waitingForDrain = undefined;
    callback?.();
  }
}

function unmapIPv4(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
