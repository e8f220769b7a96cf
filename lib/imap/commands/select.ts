// SELECT and EXAMINE (RFC 3501 §6.3.1-2). Selecting closes any mailbox
// already selected (without expunging), even when the new one fails to open.
// The untagged responses come in UW's order.
import type { Command } from '../command';
import { SelectedMailbox } from '../selected';
import type { Session } from '../session';
import { mailboxCommand } from './mailbox-command';

async function openMailbox(session: Session, name: string, readOnly: boolean): Promise<SelectedMailbox> {
  await session.deselect({ expunge: false });
  const selected = new SelectedMailbox(await session.store.open(name, { readOnly }));
  session.select(selected);
  const mailbox = selected.mailbox;
  session.untagged(`${mailbox.count} EXISTS`);
  session.untagged(`${selected.recentCount()} RECENT`);
  session.untagged(`OK [UIDVALIDITY ${mailbox.uidValidity}] UID validity status`);
  session.untagged(`OK [UIDNEXT ${mailbox.uidNext}] Predicted next UID`);
  session.untagged(selected.flagsResponse());
  session.untagged(selected.permanentFlagsResponse());
  for (let seq = 1; seq <= mailbox.count; seq++) {
    if (!mailbox.hasFlag(seq, '\\Seen')) {
      session.untagged(`OK [UNSEEN ${seq}] First unseen message`);
      break;
    }
  }
  return selected;
}

function selectLike(name: 'SELECT' | 'EXAMINE', readOnly: boolean): Command {
  return mailboxCommand(name, async (session, mailboxName) => {
    const selected = await openMailbox(session, mailboxName, readOnly);
    return { code: selected.readOnly ? 'READ-ONLY' : 'READ-WRITE', text: `${name} completed` };
  });
}

export const selectCommand = selectLike('SELECT', false);
export const examineCommand = selectLike('EXAMINE', true);
