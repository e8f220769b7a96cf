// The selected mailbox as this session sees it. The driver reports other
// sessions' changes through MailboxEvents; they are queued here and turned
// into untagged EXISTS, EXPUNGE, RECENT, FLAGS and FETCH responses only
// when the dispatcher says sending them is allowed.
import type { Mailbox, MailboxEvents } from '../mail/types';
import { SYSTEM_FLAGS } from '../mail/types';
import { ImapError } from './command';
import { resolveSequenceNumbers, resolveUids, type SequenceSet } from './wire/sequence';

type CountChange = { readonly kind: 'exists'; count: number } | { readonly kind: 'expunge'; readonly seq: number };

export class SelectedMailbox implements MailboxEvents {
  private changes: CountChange[] = [];
  /** UIDs whose flags another session changed, reported as FETCH FLAGS at the next flush. */
  private readonly flagChanges = new Set<number>();
  private reportedRecent: number;
  private reportedKeywords: number;

  constructor(readonly mailbox: Mailbox) {
    mailbox.setListener(this);
    this.reportedRecent = this.recentCount();
    this.reportedKeywords = mailbox.keywords.length;
  }

  get readOnly(): boolean {
    return this.mailbox.readOnly;
  }

  exists(count: number): void {
    const last = this.changes.at(-1);
    if (last?.kind === 'exists') last.count = count;
    else this.changes.push({ kind: 'exists', count });
  }

  expunged(seq: number): void {
    this.changes.push({ kind: 'expunge', seq });
  }

  flagsChanged(seq: number): void {
    this.flagChanges.add(this.mailbox.uid(seq));
  }

  /**
   * Sequence numbers named by a set, by UID or by sequence number. A
   * sequence number beyond the mailbox is a BAD (UIDs that do not exist are
   * simply skipped, RFC 3501 §6.4.8).
   */
  resolve(set: SequenceSet, byUid: boolean): number[] {
    if (byUid) return resolveUids(set, this.mailbox);
    const seqs = resolveSequenceNumbers(set, this.mailbox.count);
    if (!seqs) throw new ImapError('BAD', 'Invalid message sequence number');
    return seqs;
  }

  /** The flags of a message as the client sees them: \Recent (session flag) first, as UW. */
  flags(seq: number): string[] {
    const flags = this.mailbox.flags(seq);
    return this.mailbox.isRecent(seq) ? ['\\Recent', ...flags] : [...flags];
  }

  /** `(\Recent \Seen …)` */
  flagList(seq: number): string {
    return `(${this.flags(seq).join(' ')})`;
  }

  recentCount(): number {
    let recent = 0;
    for (let seq = 1; seq <= this.mailbox.count; seq++) if (this.mailbox.isRecent(seq)) recent += 1;
    return recent;
  }

  /** `FLAGS (...)` for SELECT and for when keywords are added. */
  flagsResponse(): string {
    return `FLAGS (${[...SYSTEM_FLAGS, ...this.mailbox.keywords].join(' ')})`;
  }

  /** `OK [PERMANENTFLAGS (...)]`: nothing is permanent in a read-only mailbox. */
  permanentFlagsResponse(): string {
    if (this.readOnly) return 'OK [PERMANENTFLAGS ()] No permanent flags permitted';
    const wildcard = this.mailbox.canCreateKeywords ? ['\\*'] : [];
    return `OK [PERMANENTFLAGS (${[...SYSTEM_FLAGS, ...this.mailbox.keywords, ...wildcard].join(' ')})] Permanent flags`;
  }

  /** The session's own STORE already answered for these messages. */
  forgetFlagChanges(seqs: Iterable<number>): void {
    for (const seq of seqs) this.flagChanges.delete(this.mailbox.uid(seq));
  }

  /** Notes keywords the session itself defined, returning the FLAGS lines to send now. */
  keywordUpdates(): string[] {
    if (this.mailbox.keywords.length === this.reportedKeywords) return [];
    this.reportedKeywords = this.mailbox.keywords.length;
    return [this.flagsResponse(), this.permanentFlagsResponse()];
  }

  /**
   * Untagged responses for everything queued, in an order the client can
   * follow: count changes as they happened, RECENT when it moved, new
   * keywords, then FETCH FLAGS by the message's current number.
   */
  takeUpdates(options: { withUid: boolean }): string[] {
    const lines: string[] = [];
    for (const change of this.changes) lines.push(change.kind === 'exists' ? `${change.count} EXISTS` : `${change.seq} EXPUNGE`);
    if (this.changes.length > 0) {
      const recent = this.recentCount();
      if (recent !== this.reportedRecent || this.changes.some((change) => change.kind === 'exists')) lines.push(`${recent} RECENT`);
      this.reportedRecent = recent;
    }
    this.changes = [];
    lines.push(...this.keywordUpdates());
    for (const uid of this.flagChanges) {
      const seq = this.mailbox.seqOfUid(uid);
      if (seq === undefined) continue;
      lines.push(`${seq} FETCH (${options.withUid ? `UID ${uid} ` : ''}FLAGS ${this.flagList(seq)})`);
    }
    this.flagChanges.clear();
    return lines;
  }
}
