// One server process spawned the way inetd would (fd 0/1 the connection,
// here a pair of pipes) with fd 2 on a separate pipe, so that anything the
// server writes there is seen. The fuzz client writes to it, watches its
// output grow, and waits for it to exit under a hang timer.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { binPath } from '../../helpers/paths';

export type Program = 'imapd' | 'ipop3d' | 'ipop2d';

/**
 * How long a server may go without a byte of output while it owes the client
 * something (FUZZ_HANG_MS: a long run at low priority on a busy machine may
 * want more).
 */
export const HANG_MS = Number(process.env.FUZZ_HANG_MS) > 0 ? Number(process.env.FUZZ_HANG_MS) : 10_000;
/** No session may live longer than this, whatever it does (a server spinning forever ends here). */
const LIFETIME_MS = 120_000;

export interface LaunchOptions {
  readonly program: Program;
  readonly configPath: string;
  /** Run as this uid/gid (imapd then greets PREAUTH); as root otherwise, as inetd does. */
  readonly identity?: { readonly uid: number; readonly gid: number };
}

export interface Ending {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The hang timer or the lifetime limit fired and the process was killed. */
  readonly hung: boolean;
}

export class LiveServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly chunks: Buffer[] = [];
  private outputLength = 0;
  private flat: Buffer | undefined = Buffer.alloc(0);
  private readonly errors: Buffer[] = [];
  private waiters: Array<() => void> = [];
  private inputOpen = true;
  private exited: Ending | undefined;
  private hung = false;
  private readonly exit: Promise<Ending>;
  private readonly lifetime: NodeJS.Timeout;

  constructor(options: LaunchOptions) {
    // FUZZ_BIN: a private copy of bin/ and dist/, so that a long run survives rebuilds of the tree.
    const program = process.env.FUZZ_BIN ? join(process.env.FUZZ_BIN, options.program) : binPath(options.program);
    this.child = spawn(program, [], {
      env: { PATH: process.env.PATH, IMAPD_CONFIG: options.configPath },
      stdio: 'pipe',
      cwd: '/',
      ...(options.identity ?? {}),
    });
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.outputLength += chunk.length;
      this.flat = undefined;
      this.notify();
    });
    this.child.stderr.on('data', (chunk: Buffer) => this.errors.push(chunk));
    this.child.stdin.on('error', () => this.closeInput());
    this.child.stdin.on('close', () => this.closeInput());
    this.lifetime = setTimeout(() => {
      this.hung = true;
      this.kill();
    }, LIFETIME_MS);
    this.exit = new Promise((resolve) => {
      this.child.once('error', () => undefined);
      this.child.once('close', (code, signal) => {
        clearTimeout(this.lifetime);
        this.exited = { code, signal, hung: this.hung };
        this.notify();
        resolve(this.exited);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Everything the server wrote to fd 1 so far. */
  get output(): Buffer {
    if (this.flat === undefined) this.flat = Buffer.concat(this.chunks, this.outputLength);
    return this.flat;
  }

  get outputSize(): number {
    return this.outputLength;
  }

  /** Everything the server wrote to fd 2. */
  get stderr(): Buffer {
    return Buffer.concat(this.errors);
  }

  get alive(): boolean {
    return this.exited === undefined;
  }

  get accepting(): boolean {
    return this.inputOpen && this.alive;
  }

  /** Writes bytes, waiting while the pipe is full; a server that stopped reading ends the writing. */
  async write(data: Buffer): Promise<void> {
    if (!this.accepting || data.length === 0) return;
    if (this.child.stdin.write(data)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.child.stdin.off('drain', done);
        this.child.stdin.off('close', done);
        clearInterval(poll);
        resolve();
      };
      // The server may exit without reading; the pipe then closes.
      const poll = setInterval(() => !this.alive && done(), 50);
      this.child.stdin.once('drain', done);
      this.child.stdin.once('close', done);
    });
  }

  /**
   * Waits until `ready()` holds, the server exits, or it stays silent for
   * `silenceMs` without using any CPU time; returns false only in that last
   * case. A server that is starved of CPU on a busy machine is slow, not
   * hung; one that spins forever meets the lifetime limit instead.
   */
  async waitFor(ready: () => boolean, silenceMs: number): Promise<boolean> {
    let seen = this.outputLength;
    let deadline = Date.now() + silenceMs;
    let ticks = this.cpuTicks();
    for (;;) {
      if (ready() || !this.alive) return true;
      if (this.outputLength !== seen) {
        seen = this.outputLength;
        deadline = Date.now() + silenceMs;
      }
      if (deadline - Date.now() <= 0) {
        const now = this.cpuTicks();
        if (now === undefined || ticks === undefined || now === ticks) return false;
        ticks = now;
        deadline = Date.now() + silenceMs;
      }
      const left = deadline - Date.now();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, left);
        function wake(): void {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.push(wake);
      });
    }
  }

  /** Closes the client's side and waits for the process; kills it when it hangs. */
  async finish(): Promise<Ending> {
    this.closeInput();
    this.child.stdin.end();
    const exited = await this.waitFor(() => false, HANG_MS);
    if (!exited) {
      this.hung = true;
      this.kill();
    }
    return this.exit;
  }

  /** The process's user and system CPU time so far, in clock ticks (Linux /proc). */
  private cpuTicks(): number | undefined {
    try {
      const fields = readFileSync(`/proc/${this.child.pid}/stat`, 'latin1').replace(/^.*\) /s, '').split(' ');
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return undefined;
    }
  }

  kill(): void {
    if (this.alive) this.child.kill('SIGKILL');
  }

  private closeInput(): void {
    this.inputOpen = false;
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
