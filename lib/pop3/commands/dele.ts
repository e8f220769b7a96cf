// DELE (RFC 1939 §5): marks a message; it is removed only at QUIT.
import { ok } from '../wire';
import { atMost, messageNumber } from './arguments';
import { TRANSACTION, type Pop3Command } from './types';

export const dele: Pop3Command = {
  states: TRANSACTION,
  async run(session, command) {
    const maildrop = session.maildrop;
    if (!maildrop || !(await atMost(session, command, 1))) return;
    const number = await messageNumber(session, command);
    if (number === undefined) return;
    maildrop.markDeleted(number);
    session.reply(ok(`Message ${number} deleted`));
  },
};
