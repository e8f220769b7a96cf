// Benchmark clients that drive a server over its pipes, as a mail client
// does over an ssh tunnel, and time each command from the moment it is
// written until its completion is read.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { Launch } from './mailhome';
import { deadline, exited } from './processes';
import { ResponseReader } from './reader';

export interface Timed {
  readonly seconds: number;
  /** The completion line (tagged IMAP response, or POP3 status). */
  readonly status: string;
  readonly ok: boolean;
}

export class CommandFailedError extends Error {}

export interface Login {
  readonly user: string;
  readonly password: string;
}

abstract class PipeSession {
  protected readonly reader: ResponseReader;
  private readonly exit: Promise<number | null>;
  private readonly cancelDeadline: () => void;

  protected constructor(protected readonly child: ChildProcessWithoutNullStreams, timeoutSeconds: number) {
    this.reader = new ResponseReader(child.stdout);
    this.exit = exited(child);
    this.cancelDeadline = deadline(child, timeoutSeconds);
    child.stdin.on('error', () => undefined);
  }

  protected static start(launch: Launch): ChildProcessWithoutNullStreams {
    return spawn(launch.command, [...launch.args], {
      env: launch.env,
      cwd: launch.cwd,
      uid: launch.uid,
      gid: launch.gid,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  }

  protected write(text: string): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.stdin.write(text)) resolve();
      else this.child.stdin.once('drain', resolve);
    });
  }

  /** Waits for the server to end (after LOGOUT or QUIT); the exit code. */
  async finished(): Promise<number | null> {
    this.child.stdin.end();
    try {
      return await this.exit;
    } finally {
      this.cancelDeadline();
    }
  }

  /** Ends a session that is no longer wanted (after a failure). */
  async abandon(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exit.catch(() => undefined);
    this.cancelDeadline();
  }
}

export class ImapSession extends PipeSession {
  private tags = 0;

  private constructor(child: ChildProcessWithoutNullStreams, timeoutSeconds: number) {
    super(child, timeoutSeconds);
  }

  /** Starts the server and gets to the authenticated state (PREAUTH, or LOGIN when greeted with OK). */
  static async open(launch: Launch, login: Login, timeoutSeconds: number): Promise<ImapSession> {
    const session = new ImapSession(PipeSession.start(launch), timeoutSeconds);
    try {
      const greeting = await session.reader.line();
      if (greeting.startsWith('* PREAUTH')) return session;
      if (!greeting.startsWith('* OK')) throw new CommandFailedError(`unexpected greeting: ${greeting}`);
      const reply = await session.command(`LOGIN ${quote(login.user)} ${quote(login.password)}`);
      if (!reply.ok) throw new CommandFailedError(`LOGIN refused: ${reply.status}`);
      return session;
    } catch (error) {
      await session.abandon();
      throw error;
    }
  }

  /** Runs one command; `watch` sees each response line. */
  async command(text: string, watch?: (line: string) => void): Promise<Timed> {
    const tag = `b${++this.tags}`;
    const started = performance.now();
    await this.write(`${tag} ${text}\r\n`);
    const status = await this.reader.untilTagged(tag, watch);
    const seconds = (performance.now() - started) / 1000;
    return { seconds, status, ok: status.startsWith(`${tag} OK`) };
  }

  async logout(): Promise<void> {
    await this.command('LOGOUT');
    await this.finished();
  }
}

export class Pop3Session extends PipeSession {
  private constructor(child: ChildProcessWithoutNullStreams, timeoutSeconds: number) {
    super(child, timeoutSeconds);
  }

  /** Starts the server and reads its greeting. */
  static async open(launch: Launch, timeoutSeconds: number): Promise<Pop3Session> {
    const session = new Pop3Session(PipeSession.start(launch), timeoutSeconds);
    try {
      const greeting = await session.reader.line();
      if (!greeting.startsWith('+OK')) throw new CommandFailedError(`unexpected greeting: ${greeting}`);
    } catch (error) {
      await session.abandon();
      throw error;
    }
    return session;
  }

  /** USER and PASS (where the server opens the maildrop). */
  async login(login: Login): Promise<void> {
    for (const command of [`USER ${login.user}`, `PASS ${login.password}`]) {
      const reply = await this.simple(command);
      if (!reply.startsWith('+OK')) throw new CommandFailedError(`${command.split(' ')[0]}: ${reply}`);
    }
  }

  /** A single-line command; its status line. */
  async simple(command: string): Promise<string> {
    await this.write(`${command}\r\n`);
    return this.reader.line();
  }

  /** A multi-line command; its status line and the size of its body. */
  async multiline(command: string): Promise<{ status: string; bytes: number }> {
    await this.write(`${command}\r\n`);
    const status = await this.reader.line();
    const bytes = status.startsWith('+OK') ? await this.reader.multiline() : 0;
    return { status, bytes };
  }

  /**
   * RETR of messages 1..count, pipelined (RFC 2449), as a client fetching a
   * whole maildrop does; the bytes received and how many were refused.
   */
  async retrieveAll(count: number): Promise<{ bytes: number; refused: number }> {
    const sending = (async () => {
      for (let number = 1; number <= count; number++) await this.write(`RETR ${number}\r\n`);
    })();
    let bytes = 0;
    let refused = 0;
    for (let number = 1; number <= count; number++) {
      const status = await this.reader.line();
      if (status.startsWith('+OK')) bytes += await this.reader.multiline();
      else refused++;
    }
    await sending;
    return { bytes, refused };
  }
}

function quote(text: string): string {
  return `"${text.replace(/[\\"]/g, (character) => `\\${character}`)}"`;
}
