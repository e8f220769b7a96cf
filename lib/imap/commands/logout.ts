// LOGOUT (RFC 3501 §6.1.3): flags reach the disk before the client hears OK.
import { hostname } from 'node:os';
import { ANY_STATE, defineCommand, noArguments } from '../command';

export const logoutCommand = defineCommand({
  name: 'LOGOUT',
  states: ANY_STATE,
  parse: noArguments,
  async run(session) {
    try {
      await session.deselect({ expunge: false });
    } finally {
      session.untagged(`BYE ${hostname()} IMAP4rev1 server terminating connection`);
      session.state = 'logout';
    }
  },
});
