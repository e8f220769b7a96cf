// What a command file declares: its name, where it is allowed, how the
// dispatcher must treat sequence numbers around it, its literal limit, and
// the two halves of its work (parse the arguments, then act). See README.md.
import type { Decoder } from './wire/decoder';
import type { Session } from './session';

export type SessionState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

export const ANY_STATE: readonly SessionState[] = ['not-authenticated', 'authenticated', 'selected'];
export const AFTER_LOGIN: readonly SessionState[] = ['authenticated', 'selected'];
export const SELECTED: readonly SessionState[] = ['selected'];
export const BEFORE_LOGIN: readonly SessionState[] = ['not-authenticated'];

/** How a command ends when it succeeds. */
export interface Completion {
  /** Response code without brackets, e.g. `READ-WRITE` or `APPENDUID 1 2`. */
  readonly code?: string;
  /** Human-readable text; default `<NAME> completed`. */
  readonly text?: string;
  /** Runs after the tagged OK has been written and flushed (STARTTLS handshake, LOGOUT close). */
  readonly after?: () => Promise<void>;
}

export interface Command<Args = unknown> {
  /** Upper case; UID forms are named `UID FETCH` and so on. */
  readonly name: string;
  readonly states: readonly SessionState[];
  /**
   * The command refers to messages by sequence number (FETCH, STORE, SEARCH,
   * COPY, MOVE, SORT, THREAD without UID): no EXPUNGE may be sent at its end
   * for other sessions' removals (RFC 3501 §7.4.1), so the mailbox is polled
   * with expunges deferred.
   */
  readonly usesSequenceNumbers?: boolean;
  /** `message`: literals may be up to max-literal (APPEND) and a too-big one gets `NO [TOOBIG]`. Default: max-line. */
  readonly literals?: 'message';
  /**
   * Parses everything after the command name (starting with the SP before
   * the first argument). Use only the decoder; its first error becomes the
   * BAD answer, and `run` is not called.
   */
  parse(decoder: Decoder, session: Session): Args;
  /** Does the work. Throw ImapError or MailError for NO/BAD; return the OK details. */
  run(session: Session, args: Args): Promise<Completion | void>;
}

/** Erases the argument type so commands of every shape fit in one table. */
export function defineCommand<Args>(command: Command<Args>): Command<unknown> {
  return command as Command<unknown>;
}

/** For commands without arguments. */
export function noArguments(): void {
  return undefined;
}

/** A NO or BAD answer chosen by a command (storage errors are MailError instead). */
export class ImapError extends Error {
  constructor(
    readonly status: 'NO' | 'BAD',
    text: string,
    readonly code?: string,
  ) {
    super(text);
    this.name = 'ImapError';
  }
}
