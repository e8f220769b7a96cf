// NOOP (RFC 3501 §6.1.2): does nothing itself; the dispatcher's check for
// mailbox changes after every command is what clients use it for.
import { ANY_STATE, defineCommand, noArguments } from '../command';

export const noopCommand = defineCommand({
  name: 'NOOP',
  states: ANY_STATE,
  parse: noArguments,
  async run() {},
});
