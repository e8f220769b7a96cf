// RETR (RFC 1939 §5): the whole message, byte-stuffed. The announced size is
// exactly what follows before the terminating dot line.
import { ok } from '../wire';
import { atMost, messageNumber } from './arguments';
import { TRANSACTION, type Pop3Command } from './types';

export const retr: Pop3Command = {
  states: TRANSACTION,
  async run(session, command) {
    const maildrop = session.maildrop;
    if (!maildrop || !(await atMost(session, command, 1))) return;
    const number = await messageNumber(session, command);
    if (number === undefined) return;
    const wire = await maildrop.retrieve(number);
    await session.replyMessage(ok(`${wire.length} octets`), wire);
  },
};
