// FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8; BINARY from RFC 3516).
// Items are answered in the order asked. Reading a body without PEEK sets
// \Seen in a read-write mailbox, and the new FLAGS are then sent with it.
// A message another session expunged (not yet reported) is skipped and the
// command ends NO [EXPUNGEISSUE] after the others (RFC 2180 §4.1.2, RFC 5530).
import { isMailError } from '../../mail/errors';
import { ImapError, SELECTED, defineCommand } from '../command';
import { type FetchItem, expectFetchItems, itemNeeds, setsSeen } from '../fetch/items';
import { FetchedMessage, checkDecodable, writeItem } from '../fetch/respond';
import type { Session } from '../session';
import type { Decoder } from '../wire/decoder';
import { Encoder } from '../wire/encoder';
import type { SequenceSet } from '../wire/sequence';

interface FetchArgs {
  readonly set: SequenceSet;
  readonly items: readonly FetchItem[];
}

function parse(d: Decoder): FetchArgs {
  d.expectSP();
  const set = d.expectSequenceSet();
  d.expectSP();
  return { set, items: expectFetchItems(d) };
}

async function run(session: Session, { set, items }: FetchArgs): Promise<void> {
  const selected = session.mailbox;
  const mailbox = selected.mailbox;
  const seqs = selected.resolve(set, session.current.uid);
  // UID FETCH always reports the UID, first (RFC 3501 §6.4.8).
  const wanted: readonly FetchItem[] = session.current.uid && !items.some((item) => item.kind === 'UID') ? [{ kind: 'UID' }, ...items] : items;
  const needs = wanted.map(itemNeeds);
  const read = needs.includes('message') ? 'message' : needs.includes('header') ? 'header' : 'nothing';
  const marksSeen = !selected.readOnly && wanted.some(setsSeen);
  const asksFlags = wanted.some((item) => item.kind === 'FLAGS');
  let expunged = false;
  for (const seq of seqs) {
    let data: Buffer | undefined;
    try {
      data = read === 'message' ? await mailbox.read(seq) : read === 'header' ? await mailbox.readHeader(seq) : undefined;
    } catch (error) {
      if (!isMailError(error) || error.kind !== 'expunged') throw error;
      expunged = true;
      continue;
    }
    const message = new FetchedMessage(selected, seq, data);
    for (const item of wanted) checkDecodable(message, item);
    const seenNow = marksSeen && !mailbox.hasFlag(seq, '\\Seen');
    if (seenNow) {
      mailbox.setFlags([seq], 'add', ['\\Seen']);
      selected.forgetFlagChanges([seq]);
    }
    const out = new Encoder().raw(`${seq} FETCH (`);
    wanted.forEach((item, index) => {
      if (index > 0) out.sp();
      writeItem(out, message, item);
    });
    if (seenNow && !asksFlags) writeItem(out.sp(), message, { kind: 'FLAGS' });
    session.untagged(out.raw(')'));
    await session.drain();
  }
  if (expunged) throw new ImapError('NO', 'Some messages were expunged by another session', 'EXPUNGEISSUE');
}

export const fetchCommand = defineCommand({ name: 'FETCH', states: SELECTED, usesSequenceNumbers: true, parse, run });
export const uidFetchCommand = defineCommand({ name: 'UID FETCH', states: SELECTED, parse, run });
