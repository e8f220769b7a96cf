// UNSELECT (RFC 3691): CLOSE without the expunge.
import { SELECTED, defineCommand, noArguments } from '../command';

export const unselectCommand = defineCommand({
  name: 'UNSELECT',
  states: SELECTED,
  parse: noArguments,
  async run(session) {
    await session.deselect({ expunge: false });
  },
});
