// The mailbox-driver interface that protocol code calls, in the spirit of
// c-client's DRIVER table. Drivers never write protocol text: they report
// changes through MailboxEvents. Mailbox names are the wire form (modified
// UTF-7, "/" as hierarchy delimiter, "INBOX" case-insensitive); the store maps
// them to files (see lib/mail/README.md).

export const SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'] as const;
export type SystemFlag = (typeof SYSTEM_FLAGS)[number];

/** The account whose mail is served, after login and privilege drop. */
export interface MailUser {
  readonly name: string;
  /** Absolute home directory (folders live here or in a subdirectory of it). */
  readonly home: string;
  readonly uid: number;
  readonly gid: number;
}

export interface ListEntry {
  /** Wire form of the name. */
  readonly name: string;
  /** \Noselect, \NoInferiors, \HasChildren, \HasNoChildren, \Marked, \Unmarked. */
  readonly attributes: readonly string[];
}

export interface MailboxStatus {
  readonly messages: number;
  readonly recent: number;
  readonly unseen: number;
  readonly uidNext: number;
  readonly uidValidity: number;
}

export interface AppendMessage {
  /** The message as the client sent it (CRLF line ends). */
  readonly data: Buffer;
  readonly flags: readonly string[];
  readonly internalDate?: Date;
}

export interface AppendResult {
  readonly uidValidity: number;
  readonly uids: readonly number[];
}

export interface CopyResult {
  readonly uidValidity: number;
  readonly sourceUids: readonly number[];
  readonly destinationUids: readonly number[];
}

export interface Namespace {
  readonly prefix: string;
  readonly delimiter: string;
}

export interface OpenOptions {
  readonly readOnly: boolean;
  /**
   * POP3 semantics: fail with MailError('in-use') instead of falling back to
   * read-only when another read-write session holds the mailbox.
   */
  readonly exclusive?: boolean;
}

/** A user's whole mail store: INBOX plus folders. */
export interface MailStore {
  readonly user: MailUser;
  readonly personalNamespace: Namespace;
  /** Other users' namespace ("~"), or undefined when outside names are off. */
  readonly otherNamespace: Namespace | undefined;
  /** LIST/LSUB semantics of RFC 3501 §6.3.8/6.3.9 (`*` and `%` wildcards). */
  list(reference: string, pattern: string): Promise<ListEntry[]>;
  listSubscribed(reference: string, pattern: string): Promise<ListEntry[]>;
  create(name: string): Promise<void>;
  delete(name: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  subscribe(name: string): Promise<void>;
  unsubscribe(name: string): Promise<void>;
  status(name: string): Promise<MailboxStatus>;
  /** Appends all messages or none (MULTIAPPEND). */
  append(name: string, messages: readonly AppendMessage[]): Promise<AppendResult>;
  open(name: string, options: OpenOptions): Promise<Mailbox>;
  /** Throws MailError('bad-name') when the name is refused by policy. */
  checkName(name: string): void;
}

/**
 * Change notifications. A driver calls these only from inside poll(),
 * expunge() or setFlags() on a *different* session's behalf, so protocol code
 * decides when sequence numbers may change.
 */
export interface MailboxEvents {
  /** The message count grew to `count`. */
  exists(count: number): void;
  /** Message `seq` was removed; later messages moved down by one. */
  expunged(seq: number): void;
  /** The flags of `seq` were changed by another session. */
  flagsChanged(seq: number): void;
}

export type FlagMode = 'add' | 'remove' | 'replace';

/** An open (selected) mailbox. Sequence numbers are 1-based. */
export interface Mailbox {
  readonly name: string;
  readonly readOnly: boolean;
  readonly uidValidity: number;
  readonly uidNext: number;
  readonly count: number;
  /** Keywords defined in this mailbox, in definition order. */
  readonly keywords: readonly string[];
  /** Whether new keywords may be created (PERMANENTFLAGS \*). */
  readonly canCreateKeywords: boolean;

  setListener(events: MailboxEvents): void;

  uid(seq: number): number;
  /** Sequence number of `uid`, or undefined when it is not (or no longer) here. */
  seqOfUid(uid: number): number | undefined;
  /** System flags and keywords, without \Recent. */
  flags(seq: number): readonly string[];
  hasFlag(seq: number, flag: string): boolean;
  isRecent(seq: number): boolean;
  internalDate(seq: number): Date;
  /** RFC822.SIZE: the size of what read() returns. */
  size(seq: number): number;

  /** The message as served: CRLF line ends, the store's own status headers hidden. */
  read(seq: number): Promise<Buffer>;
  /** Just the header of read(), through the blank line (cheaper for ENVELOPE). */
  readHeader(seq: number): Promise<Buffer>;

  /**
   * Changes flags in memory (persisted at the next checkpoint). Returns the
   * sequence numbers whose flags actually changed. Throws MailError
   * ('read-only') on a read-only mailbox.
   */
  setFlags(seqs: readonly number[], mode: FlagMode, flags: readonly string[]): number[];
  /** Copies to another mailbox of the same store (COPY; MOVE is copy + expunge). */
  copy(seqs: readonly number[], destination: string): Promise<CopyResult>;
  /**
   * Removes \Deleted messages (only those whose UID is in `uids`, when given),
   * reporting each through events.expunged in decreasing order of position.
   */
  expunge(uids?: ReadonlySet<number>): Promise<void>;
  /** Writes pending flag changes to disk. */
  checkpoint(): Promise<void>;
  /**
   * Looks for new mail and outside changes and reports them through events.
   * With allowExpunge false, removals are deferred to a later poll.
   */
  poll(options: { allowExpunge: boolean }): Promise<void>;
  /** Calls `changed` soon after the mailbox file changes (for IDLE); returns a stop function. */
  watch(changed: () => void): () => void;
  /** Checkpoints (expunging first when asked) and releases locks. */
  close(options: { expunge: boolean }): Promise<void>;
}

/** Creates the store for a logged-in user (implemented in lib/mail/store.ts). */
export type MailStoreFactory = (user: MailUser) => MailStore;
