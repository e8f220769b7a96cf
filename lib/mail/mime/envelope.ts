// The data of an IMAP ENVELOPE (RFC 3501 §7.4.2) from a message header:
// strings as written (unfolded, not decoded), address lists parsed.
import { type Address, parseAddressList } from './address';
import type { ByteRange } from './bytes';
import { type HeaderBlock, fieldValue, readHeader } from './header';

export interface Envelope {
  readonly date: string | undefined;
  readonly subject: string | undefined;
  readonly from: readonly Address[];
  readonly sender: readonly Address[];
  readonly replyTo: readonly Address[];
  readonly to: readonly Address[];
  readonly cc: readonly Address[];
  readonly bcc: readonly Address[];
  readonly inReplyTo: string | undefined;
  readonly messageId: string | undefined;
}

/** The envelope of the message whose header occupies `header` in `buf`. */
export function envelopeOf(buf: Buffer, header: ByteRange = { start: 0, end: buf.length }): Envelope {
  const block = readHeader(buf, header.start, header.end);
  const first = (name: string): string | undefined => {
    const field = block.fields.find((candidate) => candidate.name === name);
    return field !== undefined ? fieldValue(buf, field) : undefined;
  };
  const from = addresses(buf, block, 'from');
  const sender = addresses(buf, block, 'sender');
  const replyTo = addresses(buf, block, 'reply-to');
  return {
    date: first('date'),
    subject: first('subject'),
    from,
    // RFC 3501: the server fills Sender and Reply-To from From when absent.
    sender: sender.length > 0 ? sender : from,
    replyTo: replyTo.length > 0 ? replyTo : from,
    to: addresses(buf, block, 'to'),
    cc: addresses(buf, block, 'cc'),
    bcc: addresses(buf, block, 'bcc'),
    inReplyTo: first('in-reply-to'),
    messageId: first('message-id'),
  };
}

/** Every field called `name` contributes (UW joins repeated To: lines). */
function addresses(buf: Buffer, block: HeaderBlock, name: string): Address[] {
  const out: Address[] = [];
  for (const field of block.fields) {
    if (field.name === name) out.push(...parseAddressList(fieldValue(buf, field)));
  }
  return out;
}
