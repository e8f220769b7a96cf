// Writes the FETCH data items of one message (RFC 3501 §7.4.2, RFC 3516 §4).
// The message is scanned at most once, and only when an item needs it.
import { envelopeOf } from '../../mail/mime/envelope';
import { findPart, sectionContent } from '../../mail/mime/section';
import { type MimePart, scanMessage } from '../../mail/mime/structure';
import { canDecodeTransfer, decodeTransfer } from '../../mail/mime/transfer';
import { ImapError } from '../command';
import { writeBodyStructure } from '../render/bodystructure';
import { formatInternalDate } from '../render/date';
import { writeEnvelope } from '../render/envelope';
import type { SelectedMailbox } from '../selected';
import type { Encoder } from '../wire/encoder';
import type { FetchItem, Partial } from './items';

/** One message as FETCH sees it: its number and, when items need them, its bytes. */
export class FetchedMessage {
  private tree: MimePart | undefined;

  constructor(
    readonly selected: SelectedMailbox,
    readonly seq: number,
    /** The whole message, or only its header, or nothing (see itemNeeds). */
    readonly data: Buffer | undefined,
  ) {}

  get bytes(): Buffer {
    if (this.data === undefined) throw new Error('FETCH item read no message data');
    return this.data;
  }

  get root(): MimePart {
    this.tree ??= scanMessage(this.bytes);
    return this.tree;
  }
}

export function writeItem(out: Encoder, message: FetchedMessage, item: FetchItem): void {
  const mailbox = message.selected.mailbox;
  const seq = message.seq;
  switch (item.kind) {
    case 'UID':
      out.raw(`UID ${mailbox.uid(seq)}`);
      return;
    case 'FLAGS':
      out.raw(`FLAGS ${message.selected.flagList(seq)}`);
      return;
    case 'INTERNALDATE':
      out.raw('INTERNALDATE ').string(formatInternalDate(mailbox.internalDate(seq)));
      return;
    case 'RFC822.SIZE':
      out.raw(`RFC822.SIZE ${mailbox.size(seq)}`);
      return;
    case 'ENVELOPE':
      writeEnvelope(out.raw('ENVELOPE '), envelopeOf(message.bytes, message.root.header));
      return;
    case 'BODY':
    case 'BODYSTRUCTURE':
      writeBodyStructure(out.raw(`${item.kind} `), message.bytes, message.root, item.kind === 'BODYSTRUCTURE');
      return;
    case 'RFC822':
      out.raw('RFC822 ').string(message.bytes);
      return;
    case 'RFC822.HEADER':
    case 'RFC822.TEXT': {
      const range = item.kind === 'RFC822.HEADER' ? message.root.header : message.root.body;
      out.raw(`${item.kind} `).string(message.bytes.subarray(range.start, range.end));
      return;
    }
    case 'section':
      writeContent(out, item.label, item.partial, sectionContent(message.bytes, message.root, item.section));
      return;
    case 'binary':
      writeContent(out, item.label, item.partial, binaryContent(message, item.part));
      return;
    case 'binary-size':
      out.raw(`${item.label} `);
      out.number(binaryContent(message, item.part)?.length ?? 0);
  }
}

/** `LABEL[...]<origin> data`: NIL for a section that does not exist, literal8 for binary data with NUL. */
function writeContent(out: Encoder, label: string, partial: Partial | undefined, content: Buffer | undefined): void {
  out.raw(label);
  if (partial !== undefined) out.raw(`<${partial.origin}>`);
  out.sp();
  if (content === undefined) {
    out.raw('NIL');
    return;
  }
  const data = partial === undefined ? content : content.subarray(partial.origin, partial.origin + partial.count);
  if (label.startsWith('BINARY') && data.includes(0)) out.literal(data, { binary: true });
  else out.string(data);
}

/**
 * Throws NO [UNKNOWN-CTE] (RFC 3516) when `item` is BINARY of a part whose
 * transfer encoding cannot be undone. FETCH asks before it sets \Seen, so a
 * fetch that fails leaves the flags alone.
 */
export function checkDecodable(message: FetchedMessage, item: FetchItem): void {
  if ((item.kind !== 'binary' && item.kind !== 'binary-size') || item.part.length === 0) return;
  const part = findPart(message.root, item.part);
  if (part !== undefined) requireDecodable(part);
}

function requireDecodable(part: MimePart): void {
  if (part.kind === 'leaf' && !canDecodeTransfer(part.encoding)) {
    throw new ImapError('NO', `Unknown Content-Transfer-Encoding ${part.encoding}`, 'UNKNOWN-CTE');
  }
}

/**
 * BINARY[part]: the part's content with its transfer encoding undone. The
 * whole message, a multipart or a message/rfc822 part is sent as it is.
 */
function binaryContent(message: FetchedMessage, path: readonly number[]): Buffer | undefined {
  if (path.length === 0) return message.bytes;
  const part = findPart(message.root, path);
  if (part === undefined) return undefined;
  const body = message.bytes.subarray(part.body.start, part.body.end);
  if (part.kind !== 'leaf') return body;
  requireDecodable(part);
  return decodeTransfer(body, part.encoding) ?? body;
}
