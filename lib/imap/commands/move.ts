// MOVE and UID MOVE (RFC 6851): copy, then expunge exactly the moved
// messages. The client sees COPYUID untagged, then the EXPUNGEs, then OK.
import { ImapError, type Command } from '../command';
import type { Session } from '../session';
import { copyUidCode, transferCommand } from './copy';

async function move(session: Session, seqs: number[], destination: string) {
  const selected = session.mailbox;
  const mailbox = selected.mailbox;
  if (mailbox.readOnly) throw new ImapError('NO', 'Mailbox is read-only', 'CANNOT');
  const result = await mailbox.copy(seqs, destination);
  session.untagged(`OK [${copyUidCode(result)}] Moved`);
  const uids = new Set(seqs.map((seq) => mailbox.uid(seq)));
  mailbox.setFlags(seqs, 'add', ['\\Deleted']);
  selected.forgetFlagChanges(seqs);
  await mailbox.expunge(uids);
  return result;
}

export const [moveCommand, uidMoveCommand] = transferCommand('MOVE', move, () => ({})) as [Command, Command];
