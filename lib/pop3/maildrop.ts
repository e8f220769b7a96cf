// The POP maildrop: a snapshot of INBOX taken at login. Messages already
// marked \Deleted (by an IMAP client) are hidden, as UW did, and mail
// delivered later stays invisible until the next session because the
// mailbox is never polled. DELE and RETR only take notes here; the mailbox
// changes at commit() (QUIT in the UPDATE state), so a dropped connection or
// an autologout leaves it exactly as it was.
import type { Mailbox } from '../mail/types';
import { headAndLines, wireForm } from './message';

export interface CommitResult {
  /** Messages of the maildrop kept (mail delivered during the session not counted). */
  readonly kept: number;
  readonly deleted: number;
  /** Retrieved messages (kept) marked seen. */
  readonly seen: number;
}

export class Maildrop {
  private readonly deleted = new Set<number>();
  private readonly retrieved = new Set<number>();
  private highestAccessed: number;

  private constructor(
    private readonly mailbox: Mailbox,
    /** Mailbox sequence number of each POP message number (index 0 = message 1). */
    private readonly sequence: readonly number[],
    private readonly initialLast: number,
  ) {
    this.highestAccessed = initialLast;
  }

  static fromMailbox(mailbox: Mailbox): Maildrop {
    // POP has no way to tell the client about changes: ignore them.
    mailbox.setListener({ exists: () => undefined, expunged: () => undefined, flagsChanged: () => undefined });
    const sequence: number[] = [];
    let initialLast = 0;
    for (let seq = 1; seq <= mailbox.count; seq++) {
      if (mailbox.hasFlag(seq, '\\Deleted')) continue;
      sequence.push(seq);
      if (mailbox.hasFlag(seq, '\\Seen')) initialLast = sequence.length;
    }
    return new Maildrop(mailbox, sequence, initialLast);
  }

  /** Messages in the maildrop, counting those marked for deletion. */
  get size(): number {
    return this.sequence.length;
  }

  /** Messages marked for deletion in this session. */
  get deletedCount(): number {
    return this.deleted.size;
  }

  /** LAST (RFC 1460): the highest message number accessed. */
  get last(): number {
    return this.highestAccessed;
  }

  /** Mailbox messages at login, including hidden \Deleted ones (for the log). */
  get mailboxCount(): number {
    return this.mailbox.count;
  }

  /** True when `number` names a message that is not marked for deletion. */
  exists(number: number): boolean {
    return Number.isInteger(number) && number >= 1 && number <= this.sequence.length && !this.deleted.has(number);
  }

  /** Message numbers not marked for deletion, ascending. */
  live(): number[] {
    const numbers: number[] = [];
    for (let number = 1; number <= this.sequence.length; number++) if (!this.deleted.has(number)) numbers.push(number);
    return numbers;
  }

  /**
   * The size LIST and STAT report: the message in CRLF form, its stuffed
   * dots not counted (RFC 1939 §11: they "must not" be; UW's ipop3d reports
   * RFC822.SIZE too). The mailbox knows it without converting the text.
   */
  octets(number: number): number {
    return this.mailbox.size(this.seq(number));
  }

  /** UW's unique id: UIDVALIDITY and UID as %08x%08x, stable across sessions. */
  uniqueId(number: number): string {
    const hex = (value: number): string => value.toString(16).padStart(8, '0');
    return hex(this.mailbox.uidValidity) + hex(this.mailbox.uid(this.seq(number)));
  }

  /** The whole message as sent on the wire; it will be marked seen at commit. */
  async retrieve(number: number): Promise<Buffer> {
    const wire = wireForm(await this.message(number));
    this.markSeen(number);
    return wire;
  }

  /** The message as served (CRLF line ends), without stuffing or side effects. */
  message(number: number): Promise<Buffer> {
    return this.mailbox.read(this.seq(number));
  }

  /** Notes that the client has the message: it is marked seen at commit. */
  markSeen(number: number): void {
    this.retrieved.add(number);
    this.touch(number);
  }

  /** Header and the first `lines` body lines, as sent on the wire; seen state unchanged. */
  async top(number: number, lines: number): Promise<Buffer> {
    const message = await this.mailbox.read(this.seq(number));
    this.touch(number);
    return wireForm(headAndLines(message, lines));
  }

  markDeleted(number: number): void {
    this.deleted.add(number);
    this.touch(number);
  }

  /** RSET: forgets deletions and retrievals of this session. */
  reset(): void {
    this.deleted.clear();
    this.retrieved.clear();
    this.highestAccessed = this.initialLast;
  }

  /**
   * The UPDATE state: marks retrieved messages seen, removes the deleted
   * ones (only those: other \Deleted messages belong to IMAP clients) and
   * releases the mailbox. `expireRetrieved` deletes retrieved messages too
   * (EXPIRE 0: mail may not be left on the server).
   */
  async commit(options: { expireRetrieved: boolean }): Promise<CommitResult> {
    const doomed = new Set(this.deleted);
    if (options.expireRetrieved) for (const number of this.retrieved) doomed.add(number);
    const seen = [...this.retrieved].filter((number) => !doomed.has(number)).map((number) => this.seq(number));
    if (seen.length > 0) this.mailbox.setFlags(seen, 'add', ['\\Seen']);
    if (doomed.size > 0) {
      const seqs = [...doomed].map((number) => this.seq(number));
      this.mailbox.setFlags(seqs, 'add', ['\\Seen', '\\Deleted']);
      await this.mailbox.expunge(new Set(seqs.map((seq) => this.mailbox.uid(seq))));
    }
    await this.mailbox.close({ expunge: false });
    return { kept: this.sequence.length - doomed.size, deleted: doomed.size, seen: seen.length };
  }

  /** Lets go of the mailbox without changing anything (hangup, autologout). */
  async release(): Promise<void> {
    await this.mailbox.close({ expunge: false });
  }

  private seq(number: number): number {
    const seq = this.sequence[number - 1];
    if (seq === undefined) throw new RangeError(`no message ${number}`);
    return seq;
  }

  private touch(number: number): void {
    if (number > this.highestAccessed) this.highestAccessed = number;
  }
}
