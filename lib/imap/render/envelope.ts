// ENVELOPE in IMAP syntax (RFC 3501 §7.4.2) from the MIME layer's data.
import type { Address } from '../../mail/mime/address';
import type { Envelope } from '../../mail/mime/envelope';
import type { Encoder } from '../wire/encoder';

export function writeEnvelope(out: Encoder, envelope: Envelope): Encoder {
  out.raw('(').nstring(envelope.date).sp().nstring(envelope.subject);
  for (const list of [envelope.from, envelope.sender, envelope.replyTo, envelope.to, envelope.cc, envelope.bcc]) {
    out.sp();
    writeAddresses(out, list);
  }
  return out.sp().nstring(envelope.inReplyTo).sp().nstring(envelope.messageId).raw(')');
}

function writeAddresses(out: Encoder, list: readonly Address[]): void {
  if (list.length === 0) {
    out.raw('NIL');
    return;
  }
  out.raw('(');
  for (const address of list) {
    out.raw('(').nstring(address.name).sp().nstring(address.adl).sp().nstring(address.mailbox).sp().nstring(address.host).raw(')');
  }
  out.raw(')');
}
