// CHECK (RFC 3501 §6.4.1): a checkpoint of the selected mailbox (flags to disk).
import { SELECTED, defineCommand, noArguments } from '../command';

export const checkCommand = defineCommand({
  name: 'CHECK',
  states: SELECTED,
  parse: noArguments,
  async run(session) {
    await session.mailbox.mailbox.checkpoint();
  },
});
