// CLOSE (RFC 3501 §6.4.2): expunges silently (no EXPUNGE responses) unless
// the mailbox is read-only, then leaves the selected state.
import { SELECTED, defineCommand, noArguments } from '../command';

export const closeCommand = defineCommand({
  name: 'CLOSE',
  states: SELECTED,
  parse: noArguments,
  async run(session) {
    await session.deselect({ expunge: !session.mailbox.readOnly });
  },
});
