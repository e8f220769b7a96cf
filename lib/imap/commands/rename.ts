// RENAME (RFC 3501 §6.3.5). Renaming INBOX moves its messages to the new
// mailbox and leaves INBOX empty; the store does that.
import { AFTER_LOGIN, defineCommand } from '../command';

export const renameCommand = defineCommand({
  name: 'RENAME',
  states: AFTER_LOGIN,
  parse(d) {
    d.expectSP();
    const from = d.expectMailbox();
    d.expectSP();
    const to = d.expectMailbox();
    return { from, to };
  },
  async run(session, { from, to }) {
    await session.store.rename(from, to);
  },
});
