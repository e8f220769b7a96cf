// EXPUNGE (RFC 3501 §6.4.3) and UID EXPUNGE (RFC 4315): the driver reports
// each removal; the dispatcher sends them as EXPUNGE responses.
import { ImapError, SELECTED, defineCommand, noArguments } from '../command';
import type { Session } from '../session';
import type { SequenceSet } from '../wire/sequence';

async function expunge(session: Session, set: SequenceSet | undefined): Promise<void> {
  const selected = session.mailbox;
  if (selected.readOnly) throw new ImapError('NO', 'Mailbox is read-only');
  const uids = set && new Set(selected.resolve(set, true).map((seq) => selected.mailbox.uid(seq)));
  await selected.mailbox.expunge(uids);
}

export const expungeCommand = defineCommand({
  name: 'EXPUNGE',
  states: SELECTED,
  parse: noArguments,
  run: (session) => expunge(session, undefined),
});

export const uidExpungeCommand = defineCommand({
  name: 'UID EXPUNGE',
  states: SELECTED,
  parse(d) {
    d.expectSP();
    return d.expectSequenceSet();
  },
  run: (session, set) => expunge(session, set),
});
