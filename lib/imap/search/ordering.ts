// What SORT (RFC 5256 §3) and THREAD order and group messages by, read
// from each message's header once.
import { parseAddressList } from '../../mail/mime/address';
import { foldCase } from '../../mail/mime/casemap';
import { readHeader, fieldValue } from '../../mail/mime/header';
import type { Mailbox } from '../../mail/types';
import { type BaseSubject, baseSubject } from './base-subject';
import { headerInstant } from './dates';

export interface MessageFacts {
  readonly seq: number;
  readonly arrival: number;
  /** Sent date (Date: header, in UTC), or the INTERNALDATE when that is unreadable (RFC 5256 §2.2). */
  readonly sent: number;
  readonly size: number;
  readonly subject: BaseSubject;
  /** addr-mailbox of the first address of From, To and Cc, folded ('' when none). */
  readonly from: string;
  readonly to: string;
  readonly cc: string;
  readonly messageId: string | undefined;
  /** References (or the first In-Reply-To id when there are none), oldest first. */
  readonly references: readonly string[];
}

export async function messageFacts(mailbox: Mailbox, seq: number): Promise<MessageFacts> {
  const header = await mailbox.readHeader(seq);
  const block = readHeader(header, 0, header.length);
  const first = (name: string): string | undefined => {
    const field = block.fields.find((candidate) => candidate.name === name);
    return field === undefined ? undefined : fieldValue(header, field);
  };
  const mailboxOf = (name: string): string => {
    const value = first(name);
    const address = value === undefined ? undefined : parseAddressList(value).find((each) => each.host !== undefined);
    return foldCase(address?.mailbox ?? '');
  };
  const arrival = mailbox.internalDate(seq).getTime();
  const date = first('date');
  const references = messageIds(first('references') ?? '');
  return {
    seq,
    arrival,
    sent: (date !== undefined ? headerInstant(date) : undefined) ?? arrival,
    size: mailbox.size(seq),
    subject: baseSubject(first('subject') ?? ''),
    from: mailboxOf('from'),
    to: mailboxOf('to'),
    cc: mailboxOf('cc'),
    messageId: messageIds(first('message-id') ?? '')[0],
    references: references.length > 0 ? references : messageIds(first('in-reply-to') ?? '').slice(0, 1),
  };
}

/** The <msg-id>s in a header value, in order. */
function messageIds(value: string): string[] {
  return [...value.matchAll(/<([^<>\s]+)>/g)].map((match) => match[1] as string);
}

/** Orders by sent date, then by sequence number. */
export function bySentDate(a: MessageFacts, b: MessageFacts): number {
  return a.sent - b.sent || a.seq - b.seq;
}
