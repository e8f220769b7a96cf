// One client's IMAP session: its state, the logged-in user's mail store,
// the selected mailbox, and the output side of the protocol. Commands get
// this object; the dispatcher (./dispatcher) drives it.
import type { Config } from '../config/config';
import type { LoginContext } from '../auth/types';
import type { MailStore, MailUser } from '../mail/types';
import type { Connection } from '../net/connection';
import type { InputReader } from '../net/input';
import { drainWithin } from '../net/drain';
import { LineTooLongError } from '../net/input';
import { log } from '../log/syslog';
import { isMailError } from '../mail/errors';
import { ImapError, type SessionState } from './command';
import type { SelectedMailbox } from './selected';
import type { CommandTable } from './table';
import { Encoder } from './wire/encoder';

/**
 * Response text is 7-bit TEXT-CHARs (RFC 3501): store messages can carry
 * user-supplied names with 8-bit or, worse, CR/LF that would forge a response.
 */
export function protocolText(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}

const UNTAGGED = Buffer.from('* ');
const CRLF = Buffer.from('\r\n');
/** Literals up to this size are copied into the line's single write. */
const INLINE_LITERAL = 16 * 1024;

export interface SessionOptions {
  readonly config: Config;
  readonly connection: Connection;
  readonly input: InputReader;
  readonly login: LoginContext;
  /** Whether a TLS certificate is installed (STARTTLS can be offered). */
  readonly tlsAvailable: boolean;
  /** Every command this server knows (capabilities are computed from it). */
  readonly commands: CommandTable;
  /** The client as log lines name it (`name [address]`). */
  readonly clientHost: string;
  /** Opens a logged-in user's mail store (lib/mail/store in the server; a fake in unit tests). */
  readonly openStore: (user: MailUser) => MailStore | Promise<MailStore>;
}

/** The command being run, for handlers that answer differently in UID form. */
export interface CurrentCommand {
  readonly tag: string;
  readonly name: string;
  readonly uid: boolean;
}

// The options are the session's own read-only fields (session.config, session.connection…).
export interface Session extends SessionOptions {}

export class Session {
  state: SessionState = 'not-authenticated';
  /** Failed login attempts so far (the session ends after three, as UW). */
  loginFailures = 0;
  current: CurrentCommand = { tag: '*', name: '', uid: false };
  /** A command is running (a stop signal then waits for it to finish). */
  busy = false;
  /** What to do when the autologout timer fires (installed by main). */
  onAutologout: (() => Promise<void>) | undefined;
  private mailStore: MailStore | undefined;
  private selectedMailbox: SelectedMailbox | undefined;
  /** Set when the session must end after the current command's tagged response. */
  private farewell: string | undefined;
  private farewellListener: (() => void) | undefined;

  constructor(options: SessionOptions) {
    Object.assign(this, options);
  }

  // ---- output ----

  /**
   * Writes `* <response>` (text or an Encoder with literals). Text and small
   * literals go out in one write (one packet, not one per token); a large
   * literal is written as its own Buffer rather than copied.
   */
  untagged(response: string | Encoder): void {
    if (typeof response === 'string') {
      this.connection.write(`* ${response}\r\n`);
      return;
    }
    const batch: Buffer[] = [UNTAGGED];
    const flush = (): void => {
      if (batch.length === 0) return;
      this.connection.write(batch.length === 1 ? (batch[0] as Buffer) : Buffer.concat(batch));
      batch.length = 0;
    };
    for (const chunk of response.chunks()) {
      if (typeof chunk === 'string') batch.push(Buffer.from(chunk, 'utf8'));
      else if (chunk.length <= INLINE_LITERAL) batch.push(chunk);
      else {
        flush();
        this.connection.write(chunk);
      }
    }
    batch.push(CRLF);
    flush();
  }

  /** Writes a `+` continuation request (the SP is required even before empty base64, RFC 3501 §7.5). */
  continuation(text: string): void {
    this.connection.write(`+ ${text}\r\n`);
  }

  /** Writes `<tag> <response>`; the dispatcher uses this for the command's completion. */
  tagged(tag: string, response: string): void {
    this.connection.write(`${tag} ${protocolText(response)}\r\n`);
  }

  /**
   * Waits until the client has taken what was written (call inside long
   * outputs such as FETCH 1:*). A client that takes nothing for the idle
   * time is autologged out, as one that sends nothing is: the command then
   * never resumes, since its mailbox is closed and the process is ending.
   */
  async drain(): Promise<void> {
    if (await drainWithin(this.connection, this.idleSeconds())) return;
    const autologout = this.onAutologout;
    if (!autologout) return;
    await autologout();
    await new Promise<never>(() => undefined);
  }

  // ---- input outside the command grammar (AUTHENTICATE, IDLE) ----

  /** One line from the client, or undefined when the connection ended. Over-long lines are a BAD. */
  async readLine(): Promise<string | undefined> {
    try {
      const limit = this.config.number('max-line');
      return (await this.input.line(limit, limit))?.toString('latin1');
    } catch (error) {
      if (!(error instanceof LineTooLongError)) throw error;
      // The rest of the line is still coming, and would be read as commands.
      if (!error.whole) this.endAfterCommand('Line too long');
      throw new ImapError('BAD', 'Line too long');
    }
  }

  /**
   * Awaits client input with the autologout timer running: login-timeout
   * before login, imap-timeout after. When it fires the session ends with
   * BYE and `pending` is abandoned.
   */
  async waitForClient<T>(pending: Promise<T>): Promise<T> {
    // unref: the connection, not this timer, is what keeps a session alive.
    const timer = setTimeout(() => void this.onAutologout?.(), this.idleSeconds() * 1000).unref();
    try {
      return await pending;
    } finally {
      clearTimeout(timer);
    }
  }

  /** How long the client may keep us waiting: login-timeout before login, imap-timeout after. */
  private idleSeconds(): number {
    return this.config.number(this.state === 'not-authenticated' ? 'login-timeout' : 'imap-timeout');
  }

  // ---- mailbox updates ----

  /**
   * Checks the selected mailbox for outside changes and sends what the
   * client may be told now. `allowExpunge` is false at the end of commands
   * that use sequence numbers (RFC 3501 §7.4.1). A mailbox that has
   * vanished or broken ends the session, as UW's "lost mailbox".
   */
  async sync(options: { allowExpunge: boolean }): Promise<void> {
    const selected = this.selectedMailbox;
    if (!selected) return;
    try {
      await selected.mailbox.poll(options);
    } catch (error) {
      if (isMailError(error) && (error.kind === 'nonexistent' || error.kind === 'corrupt')) {
        log('err', `Lost mailbox ${selected.mailbox.name} user=${this.user?.name ?? '???'} host=${this.clientHost}: ${error.message}`);
        this.endAfterCommand(`Lost mailbox: ${error.message}`);
      } else {
        log('warning', `Checking ${selected.mailbox.name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    for (const line of selected.takeUpdates({ withUid: this.current.uid })) this.untagged(line);
  }

  // ---- state ----

  get user(): MailUser | undefined {
    return this.mailStore?.user;
  }

  /** The logged-in user's store (commands allowed only after login may rely on it). */
  get store(): MailStore {
    if (!this.mailStore) throw new ImapError('BAD', 'Not logged in');
    return this.mailStore;
  }

  get selected(): SelectedMailbox | undefined {
    return this.selectedMailbox;
  }

  /** The selected mailbox (commands allowed only in the selected state may rely on it). */
  get mailbox(): SelectedMailbox {
    if (!this.selectedMailbox) throw new ImapError('BAD', 'No mailbox selected');
    return this.selectedMailbox;
  }

  /** Enters the authenticated state with the user's store. */
  authenticated(store: MailStore): void {
    this.mailStore = store;
    this.state = 'authenticated';
  }

  /** Enters the selected state. */
  select(selected: SelectedMailbox): void {
    this.selectedMailbox = selected;
    this.state = 'selected';
  }

  /** Leaves the selected state, closing the mailbox (expunging first when asked, as CLOSE does). */
  async deselect(options: { expunge: boolean }): Promise<void> {
    const selected = this.selectedMailbox;
    if (!selected) return;
    this.selectedMailbox = undefined;
    if (this.state === 'selected') this.state = 'authenticated';
    await selected.mailbox.close(options);
  }

  /** Ends the session with `* BYE <text>` after the current command's tagged response. */
  endAfterCommand(text: string): void {
    this.farewell ??= protocolText(text);
    this.farewellListener?.();
  }

  /** Calls `listener` when the session is told to end (IDLE then stops waiting for DONE); returns its remover. */
  onFarewell(listener: () => void): () => void {
    this.farewellListener = listener;
    return () => {
      this.farewellListener = undefined;
    };
  }

  /** The pending BYE text, if the session is to end. */
  get pendingFarewell(): string | undefined {
    return this.farewell;
  }
}
