// One POP2 session (RFC 937), as UW's ipop2d served it: HELO opens INBOX,
// FOLD switches folders, READ announces a message's size, RETR sends it, and
// ACKS/ACKD/NACK acknowledge it and announce the next. Every error ends the
// session with a "-" line, as in UW. Changes (seen, deleted) are applied
// when the folder is left by FOLD or QUIT; a hangup or a timeout changes
// nothing.
import type { Config } from '../config/config';
import { autologoutLine, loginFailedLine, loginLine, logoutLine, sessionEndLine, writeLine, type LogLine } from '../log/lines';
import { log } from '../log/syslog';
import type { MailStore } from '../mail/types';
import type { Connection } from '../net/connection';
import { drainWithin } from '../net/drain';
import type { InputReader } from '../net/input';
import { exitProcess, setFarewell, setStopHandler } from '../server/process';
import { errorResponse, isServerFault } from '../pop3/errors';
import type { LoginPort } from '../pop3/login';
import { Maildrop } from '../pop3/maildrop';
import { loginDeadline, readTimedLine, secondsUntil } from '../pop3/timed-line';
import { printable } from '../pop3/wire';

/** RFC 937's states: before HELO, folder open, message announced, message sent. */
export type Pop2State = 'auth' | 'mbox' | 'item' | 'next';

export interface Pop2SessionOptions {
  readonly connection: Connection;
  readonly input: InputReader;
  readonly config: Config;
  readonly login: LoginPort;
  readonly serverName: string;
  readonly clientHost: string;
}

const COMMAND_LINE_LIMIT = 1024;

type Handler = (session: Pop2Session, argument: string | undefined) => Promise<void>;

/** Which commands are valid in which state (UW's ipop2d dispatch). */
const COMMANDS: Readonly<Record<string, { readonly states: readonly Pop2State[]; readonly run: Handler }>> = {
  HELO: { states: ['auth'], run: (session, argument) => session.helo(argument) },
  FOLD: { states: ['mbox', 'item'], run: (session, argument) => session.fold(argument) },
  READ: { states: ['mbox', 'item'], run: (session, argument) => session.read(argument) },
  RETR: { states: ['item'], run: (session, argument) => session.retr(argument) },
  ACKS: { states: ['next'], run: (session, argument) => session.acknowledge(argument, 'keep') },
  ACKD: { states: ['next'], run: (session, argument) => session.acknowledge(argument, 'delete') },
  NACK: { states: ['next'], run: (session, argument) => session.acknowledge(argument, 'again') },
  QUIT: { states: ['auth', 'mbox', 'item'], run: (session, argument) => session.quit(argument) },
};

export class Pop2Session {
  state: Pop2State = 'auth';
  private userName: string | undefined;
  private store: MailStore | undefined;
  private maildrop: Maildrop | undefined;
  /** The message READ announced (1-based). */
  private current = 1;
  private finished = false;
  /** The folder's changes being written (by FOLD or QUIT), if any. */
  private applying: Promise<unknown> | undefined;
  /** login-timeout bounds the whole time before HELO. */
  private readonly loginDeadline: number;

  constructor(private readonly options: Pop2SessionOptions) {
    this.loginDeadline = loginDeadline(options.config);
  }

  private get connection(): Connection {
    return this.options.connection;
  }

  async run(): Promise<void> {
    setFarewell(async (text) => {
      this.reply(`- ${text}`);
      await this.finish(sessionEndLine('Killed', this.userName, this.options.clientHost), 'release');
    });
    setStopHandler((stop) => {
      // Changes being applied (FOLD, QUIT) are finished first; the open folder's are dropped, as on a hangup.
      void (this.applying ?? Promise.resolve())
        .catch(() => undefined)
        .then(() => this.finish(sessionEndLine(stop.reason, this.userName, this.options.clientHost), 'release'))
        .then(() => exitProcess(0));
    });
    this.reply(`+ POP2 ${this.options.serverName} server ready`);
    while (!this.finished) {
      const seconds = this.state === 'auth' ? secondsUntil(this.loginDeadline) : this.options.config.number('pop3-timeout');
      // A client that keeps talking is not idle, but it still gets no longer to log in.
      const read = seconds > 0 ? await readTimedLine(this.options.input, COMMAND_LINE_LIMIT, seconds) : ({ kind: 'timeout' } as const);
      if (read.kind === 'timeout') {
        this.reply('- Autologout; idle for too long');
        await this.finish(autologoutLine(this.userName, this.options.clientHost), 'release');
      } else if (read.kind === 'end') {
        await this.finish(sessionEndLine('Command stream end of file, while reading line', this.userName, this.options.clientHost), 'release');
      } else if (read.kind === 'too-long') {
        await this.fail('Command line too long');
      } else {
        await this.execute(read.line.toString('utf8'));
      }
      // A client that takes none of our output for the idle time is gone.
      const outputSeconds = this.options.config.number(this.state === 'auth' ? 'login-timeout' : 'pop3-timeout');
      if (!this.finished && !(await drainWithin(this.connection, outputSeconds))) {
        await this.finish(autologoutLine(this.userName, this.options.clientHost), 'release');
      }
    }
  }

  async helo(argument: string | undefined): Promise<void> {
    const match = /^\s*(\S+) +(.+)$/.exec(argument ?? '');
    if (!match) return this.fail('Missing user or password');
    if (!this.options.login.plaintextAllowed()) {
      return this.fail('Plaintext passwords are not accepted on this connection; use POP2 over TLS');
    }
    const user = match[1] ?? '';
    // UW let a backslash quote the next character of the password.
    const password = (match[2] ?? '').replace(/\\(.)/g, '$1');
    const account = await this.options.login.verifyPlaintext(user, password);
    if (!account) {
      writeLine(loginFailedLine(user, undefined, this.options.clientHost));
      await this.options.login.failureDelay();
      this.reply('- Bad login');
      return this.finish(logoutLine(undefined, this.options.clientHost), 'release');
    }
    const nologin = this.options.login.nologinText();
    if (nologin !== undefined) {
      this.reply(`- Logins are disabled: ${printable(nologin)}`);
      return this.finish(loginFailedLine(user, undefined, this.options.clientHost, 'disabled'), 'release');
    }
    this.userName = account.name;
    try {
      this.store = await this.options.login.enter(account);
    } catch (error) {
      log('err', `switching to ${account.name}: ${error instanceof Error ? error.message : String(error)}`);
      return this.fail('Cannot switch to your account');
    }
    writeLine(loginLine(account.name, this.options.clientHost));
    await this.fold('INBOX');
  }

  async fold(argument: string | undefined): Promise<void> {
    const name = argument?.trim() ?? '';
    if (name === '' || !this.store) return this.fail('Missing mailbox name');
    if (!(await this.leaveFolder())) return;
    try {
      const mailbox = await this.store.open(name, { readOnly: false, exclusive: true });
      this.maildrop = Maildrop.fromMailbox(mailbox);
    } catch (error) {
      if (isServerFault(error)) log('err', `opening ${name} for ${this.userName ?? '???'}: ${String(error)}`);
      return this.fail(errorResponse(error, `Cannot open ${printable(name, 80)}`).replace(/^-ERR /, ''));
    }
    this.current = 1;
    this.state = 'mbox';
    this.reply(`#${this.maildrop.size} messages in ${printable(name, 80)}`);
  }

  async read(argument: string | undefined): Promise<void> {
    const maildrop = this.maildrop;
    if (!maildrop) return this.fail('No folder open');
    if (argument !== undefined && argument.trim() !== '') {
      const text = argument.trim();
      const number = /^\d{1,9}$/.test(text) ? Number(text) : 0;
      if (number < 1 || number > maildrop.size) return this.fail(`Invalid message number given to READ: ${printable(text, 40)}`);
      this.current = number;
    }
    await this.announce(maildrop);
  }

  async retr(argument: string | undefined): Promise<void> {
    if (argument !== undefined) return this.fail('Bogus argument given to RETR');
    const maildrop = this.maildrop;
    if (!maildrop) return this.fail('No folder open');
    try {
      this.connection.write(await maildrop.message(this.current));
    } catch (error) {
      if (isServerFault(error)) log('err', `RETR ${this.current} for ${this.userName ?? '???'}: ${String(error)}`);
      return this.fail(errorResponse(error, 'Cannot read the message').replace(/^-ERR /, ''));
    }
    this.state = 'next';
  }

  /** ACKS (keep, mark seen), ACKD (delete) or NACK (not received): then the next announcement. */
  async acknowledge(argument: string | undefined, outcome: 'keep' | 'delete' | 'again'): Promise<void> {
    if (argument !== undefined) return this.fail('Bogus argument given to acknowledgement');
    const maildrop = this.maildrop;
    if (!maildrop) return this.fail('No folder open');
    if (outcome === 'keep') maildrop.markSeen(this.current);
    if (outcome === 'delete') maildrop.markDeleted(this.current);
    if (outcome !== 'again') this.current += 1;
    await this.announce(maildrop);
  }

  async quit(argument: string | undefined): Promise<void> {
    if (argument !== undefined) return this.fail('Bogus argument given to QUIT');
    if (!(await this.leaveFolder())) return;
    this.reply('+ Sayonara');
    await this.finish(logoutLine(this.userName, this.options.clientHost), 'none');
  }

  private async execute(text: string): Promise<void> {
    const space = text.indexOf(' ');
    const name = (space < 0 ? text : text.slice(0, space)).toUpperCase();
    const argument = space < 0 ? undefined : text.slice(space + 1);
    if (name.trim() === '') return this.fail('Missing or null command');
    const command = COMMANDS[name];
    if (!command || !command.states.includes(this.state)) return this.fail(`Bogus or out of sequence command - ${printable(name, 40)}`);
    try {
      await command.run(this, argument === '' ? undefined : argument);
    } catch (error) {
      log('err', `${name} failed user=${this.userName ?? '???'}: ${String(error)}`);
      await this.fail('Server error');
    }
  }

  /** "=ccc": the octets RETR will send for the current message, or =0 when there is none. */
  private async announce(maildrop: Maildrop): Promise<void> {
    if (this.current > maildrop.size) {
      this.state = 'mbox';
      this.reply('=0 No more messages');
      return;
    }
    if (!maildrop.exists(this.current)) {
      this.state = 'mbox';
      this.reply(`=0 Message ${this.current} is deleted`);
      return;
    }
    const size = (await maildrop.message(this.current)).length;
    this.state = 'item';
    this.reply(`=${size} characters in message ${this.current}`);
  }

  /** Applies the folder's changes; false (after a "-" answer) when that failed. */
  private async leaveFolder(): Promise<boolean> {
    const maildrop = this.maildrop;
    this.maildrop = undefined;
    if (!maildrop) return true;
    try {
      this.applying = maildrop.commit({ expireRetrieved: false });
      await this.applying;
      return true;
    } catch (error) {
      log('err', `updating the folder of ${this.userName ?? '???'}: ${String(error)}`);
      await maildrop.release().catch(() => undefined);
      await this.fail(errorResponse(error, 'Cannot apply your changes').replace(/^-ERR /, ''));
      return false;
    }
  }

  private reply(line: string): void {
    this.connection.write(`${line}\r\n`);
  }

  /**
   * UW's ipop2d answers every error with "- text" and ends the session. The
   * text may quote the client (a storage error naming a FOLD argument), so it
   * is made printable here, once for every error.
   */
  private async fail(text: string): Promise<void> {
    this.reply(`- ${printable(text, 300)}`);
    await this.finish(logoutLine(this.userName, this.options.clientHost), 'release');
  }

  private async finish(line: LogLine, mailbox: 'release' | 'none'): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    writeLine(line);
    const maildrop = this.maildrop;
    this.maildrop = undefined;
    if (mailbox === 'release') await maildrop?.release().catch(() => undefined);
    await this.connection.end();
  }
}
