// One POP3 session (RFC 1939): greeting, then commands read one line at a
// time under the idle timer of the current state and dispatched through the
// command table. Pipelined commands (RFC 2449) simply wait in the input
// reader; answers are written in order.
import type { Account } from '../auth/types';
import type { Config } from '../config/config';
import type { Connection } from '../net/connection';
import { drainWithin } from '../net/drain';
import type { InputReader } from '../net/input';
import { exitProcess, setFarewell, setStopHandler } from '../server/process';
import {
  authenticateFailureLine,
  autologoutLine,
  inboxOpenErrorLine,
  loginFailedLine,
  logoutLine,
  pop3LoginLine,
  sessionEndLine,
  writeLine,
  type LogLine,
} from '../log/lines';
import { COMMANDS } from './commands';
import { errorResponse, isServerFault } from './errors';
import type { LoginPort, TlsPort } from './login';
import { Maildrop } from './maildrop';
import { loginDeadline, readTimedLine, secondsUntil } from './timed-line';
import { err, ok, parseCommandLine, printable } from './wire';
import { log } from '../log/syslog';

export type Pop3State = 'authorization' | 'transaction' | 'update';
export type LoginMethod = 'Login' | 'APOP' | 'Auth';

export interface Pop3SessionOptions {
  readonly connection: Connection;
  readonly input: InputReader;
  readonly config: Config;
  readonly login: LoginPort;
  readonly tls: TlsPort;
  /** Our host name, for the greeting. */
  readonly serverName: string;
  /** The client as log lines name it. */
  readonly clientHost: string;
}

/** RFC 2449 allows 255 octets; some clients send more, so be lenient but bounded. */
const COMMAND_LINE_LIMIT = 1024;
/** A SASL response line (base64) may be longer than a command. */
const SASL_LINE_LIMIT = 8192;
const MAX_BAD_COMMANDS = 10;
const MAX_LOGIN_FAILURES = 3;
const TERMINATOR = Buffer.from('.\r\n');

type ReadResult = { readonly kind: 'line'; readonly line: Buffer } | { readonly kind: 'too-long' } | { readonly kind: 'gone' };

export class Pop3Session {
  state: Pop3State = 'authorization';
  /** The name given by USER, waiting for PASS. */
  pendingUser: string | undefined;
  /** The logged-in user. */
  userName: string | undefined;
  maildrop: Maildrop | undefined;
  /** The timestamp of our greeting, when APOP is offered. */
  apopTimestamp: string | undefined;
  private failures = 0;
  /** Invalid commands in a row; one that is accepted starts the count again. */
  private badCommands = 0;
  private refusedCurrent = false;
  /** As in UW, login-timeout bounds the whole time before login, not just each pause. */
  private readonly loginDeadline: number;
  private finished = false;

  constructor(readonly options: Pop3SessionOptions) {
    this.loginDeadline = loginDeadline(options.config);
  }

  get config(): Config {
    return this.options.config;
  }

  get login(): LoginPort {
    return this.options.login;
  }

  get tls(): TlsPort {
    return this.options.tls;
  }

  get input(): InputReader {
    return this.options.input;
  }

  get connection(): Connection {
    return this.options.connection;
  }

  get clientHost(): string {
    return this.options.clientHost;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  async run(): Promise<void> {
    setFarewell(async (text) => {
      this.reply(err(text, 'SYS/TEMP'));
      await this.abandon(sessionEndLine('Killed', this.userName, this.clientHost));
    });
    setStopHandler((stop) => {
      // QUIT is applying the session's changes, and ends the session itself.
      if (this.state === 'update') return;
      // A session that did not QUIT keeps every message, DELE'd or not (RFC 1939 §6).
      void this.abandon(sessionEndLine(stop.reason, this.userName, this.clientHost)).then(() => exitProcess(0));
    });
    this.apopTimestamp = this.login.apopTimestamp();
    // Some old clients want nothing between "+OK" and "POP3".
    this.reply(ok(`POP3 ${this.options.serverName} server ready${this.apopTimestamp ? ` ${this.apopTimestamp}` : ''}`));
    while (!this.finished) {
      const read = await this.readLine(COMMAND_LINE_LIMIT);
      if (read.kind === 'gone') break;
      this.refusedCurrent = false;
      if (read.kind === 'too-long') await this.refuse(err(`Command line too long (limit ${COMMAND_LINE_LIMIT} octets)`));
      else await this.execute(read.line);
      if (!this.refusedCurrent) this.badCommands = 0;
      await this.drain();
    }
  }

  reply(line: string): void {
    this.connection.write(`${line}\r\n`);
  }

  /** A multi-line response of short text lines (CAPA, LIST, UIDL). */
  replyLines(status: string, lines: readonly string[]): void {
    const body = lines.map((line) => (line.startsWith('.') ? `.${line}\r\n` : `${line}\r\n`)).join('');
    this.connection.write(`${status}\r\n${body}.\r\n`);
  }

  /** A multi-line response carrying message bytes already in wire form. */
  async replyMessage(status: string, wire: Buffer): Promise<void> {
    // One write (one system call, one TLS record run) per message: copying is cheaper.
    this.connection.write(Buffer.concat([Buffer.from(`${status}\r\n`), wire, TERMINATOR]));
    await this.drain();
  }

  /** Waits for the client to take our output; one that takes nothing for the idle time is gone. */
  async drain(): Promise<void> {
    const seconds = this.config.number(this.state === 'authorization' ? 'login-timeout' : 'pop3-timeout');
    if (!(await drainWithin(this.connection, seconds))) await this.abandon(autologoutLine(this.userName, this.clientHost));
  }

  /** An -ERR for a malformed or misplaced command; too many of them end the session. */
  async refuse(line: string): Promise<void> {
    this.refusedCurrent = true;
    this.badCommands += 1;
    if (this.badCommands < MAX_BAD_COMMANDS) {
      this.reply(line);
      return;
    }
    this.reply(`${line}; too many invalid commands, closing connection`);
    await this.abandon(sessionEndLine('Too many invalid commands', this.userName, this.clientHost));
  }

  /** A continuation line of a SASL exchange; undefined when the session ended meanwhile. */
  async readResponseLine(): Promise<Buffer | undefined | 'too-long'> {
    const read = await this.readLine(SASL_LINE_LIMIT);
    if (read.kind === 'gone') return undefined;
    return read.kind === 'too-long' ? 'too-long' : read.line;
  }

  /** After a successful authentication: switch user, open INBOX, enter TRANSACTION. */
  async loginSucceeded(account: Account, method: LoginMethod): Promise<void> {
    const host = this.clientHost;
    const nologin = this.login.nologinText();
    if (nologin !== undefined) {
      this.reply(err(`Logins are disabled: ${printable(nologin)}`, 'SYS/TEMP'));
      await this.end(loginFailedLine(account.name, undefined, host, 'disabled'));
      return;
    }
    this.userName = account.name;
    try {
      const store = await this.login.enter(account);
      const wait = this.login.loginDelay(account);
      if (wait > 0) {
        const delay = this.config.number('pop3-login-delay');
        this.reply(err(`Logins are allowed every ${delay} seconds; try again in ${wait} seconds`, 'LOGIN-DELAY'));
        await this.end(logoutLine(account.name, host));
        return;
      }
      const mailbox = await store.open('INBOX', { readOnly: false, exclusive: true });
      this.maildrop = Maildrop.fromMailbox(mailbox);
    } catch (error) {
      // The process may already run as the user: it can serve no one else.
      if (isServerFault(error)) log('err', `opening INBOX of ${account.name}: ${error instanceof Error ? error.message : String(error)}`);
      this.reply(errorResponse(error, 'Cannot open your mailbox'));
      writeLine(pop3LoginLine(method, account.name, host, undefined));
      await this.end(inboxOpenErrorLine(account.name, host));
      return;
    }
    this.state = 'transaction';
    writeLine(pop3LoginLine(method, account.name, host, { visible: this.maildrop.size, total: this.maildrop.mailboxCount }));
    this.reply(ok(`Mailbox open, ${this.maildrop.size} messages`));
  }

  /**
   * After a refused authentication: log, pause, and close after the third.
   * Without a user name (a SASL exchange that broke off) only the mechanism is known.
   */
  async loginFailed(user: string | undefined, mechanism: string): Promise<void> {
    this.failures += 1;
    const excessive = this.failures >= MAX_LOGIN_FAILURES;
    if (user === undefined) writeLine(authenticateFailureLine(mechanism, this.clientHost));
    else writeLine(loginFailedLine(user, undefined, this.clientHost, excessive ? 'excessive login failures' : 'failed'));
    await this.login.failureDelay();
    if (!excessive) {
      this.reply(err('Authentication failed: wrong user name or password', 'AUTH'));
      return;
    }
    this.reply(err('Authentication failed: too many failures, closing connection', 'AUTH'));
    await this.end(logoutLine(user, this.clientHost));
  }

  /** Ends the session after a command (QUIT, or a refusal that cannot be retried). */
  async end(line: LogLine): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    writeLine(line);
    await this.connection.end();
  }

  /** Ends the session leaving the mailbox as it was (hangup, autologout, abuse). */
  async abandon(line: LogLine): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    writeLine(line);
    const maildrop = this.maildrop;
    this.maildrop = undefined;
    await maildrop?.release().catch((error: unknown) => log('err', `releasing INBOX of ${this.userName ?? '???'}: ${String(error)}`));
    await this.connection.end();
  }

  private async execute(line: Buffer): Promise<void> {
    const command = parseCommandLine(line);
    if (!command) {
      await this.refuse(err('Null command'));
      return;
    }
    const entry = COMMANDS[command.name];
    if (!entry) {
      await this.refuse(err(`Unknown command: ${printable(command.name, 40)}`));
      return;
    }
    if (!entry.states.includes(this.state)) {
      const when = this.state === 'authorization' ? 'before login' : 'after login';
      await this.refuse(err(`${command.name} is not valid ${when}`));
      return;
    }
    try {
      await entry.run(this, command);
    } catch (error) {
      if (isServerFault(error)) log('err', `${command.name} failed user=${this.userName ?? '???'}: ${String(error)}`);
      this.reply(errorResponse(error, `${command.name} failed`));
    }
  }

  /** The next line, under the idle timer of the current state; 'gone' once the session has ended. */
  private async readLine(limit: number): Promise<ReadResult> {
    const seconds = this.state === 'authorization' ? secondsUntil(this.loginDeadline) : this.config.number('pop3-timeout');
    // A client that keeps talking is not idle, but it still gets no longer to log in.
    // A longer line than max-line is not read to its end: it may never end.
    const read = seconds > 0 ? await readTimedLine(this.input, limit, seconds, this.config.number('max-line')) : ({ kind: 'timeout' } as const);
    if (read.kind === 'timeout') {
      this.reply(err('Autologout; idle for too long'));
      await this.abandon(autologoutLine(this.userName, this.clientHost));
      return { kind: 'gone' };
    }
    if (read.kind === 'end') {
      await this.abandon(sessionEndLine('Command stream end of file, while reading line', this.userName, this.clientHost));
      return { kind: 'gone' };
    }
    if (read.kind === 'too-long' && !read.whole) {
      this.reply(err(`Command line too long (limit ${limit} octets), closing connection`));
      await this.abandon(sessionEndLine('Command line too long', this.userName, this.clientHost));
      return { kind: 'gone' };
    }
    return read;
  }
}
