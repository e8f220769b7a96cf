// STATUS (RFC 3501 §6.3.10): items answered in the order asked.
import type { MailboxStatus } from '../../mail/types';
import { AFTER_LOGIN, defineCommand } from '../command';
import { Encoder } from '../wire/encoder';

const ITEMS: Readonly<Record<string, keyof MailboxStatus>> = {
  MESSAGES: 'messages',
  RECENT: 'recent',
  UIDNEXT: 'uidNext',
  UIDVALIDITY: 'uidValidity',
  UNSEEN: 'unseen',
};

export const statusCommand = defineCommand({
  name: 'STATUS',
  states: AFTER_LOGIN,
  parse(d) {
    d.expectSP();
    const mailbox = d.expectMailbox();
    d.expectSP();
    const items: string[] = [];
    d.expectList(() => {
      const item = d.expectAtom().toUpperCase();
      if (!Object.hasOwn(ITEMS, item)) d.fail(`Unknown status item ${item}`);
      items.push(item);
    });
    return { mailbox, items };
  },
  async run(session, { mailbox, items }) {
    // The selected mailbox's flag changes are in memory until a checkpoint; STATUS reads the file.
    if (session.selected?.mailbox.name === mailbox) await session.selected.mailbox.checkpoint();
    const status = await session.store.status(mailbox);
    const encoder = new Encoder().raw('STATUS ').mailbox(mailbox).sp();
    encoder.list(items, (item) => void encoder.raw(`${item} ${status[ITEMS[item] ?? 'messages']}`));
    session.untagged(encoder);
  },
});
