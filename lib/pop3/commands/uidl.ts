// UIDL (RFC 1939 §7) with UW's unique ids (UIDVALIDITY and UID in hex).
import { ok } from '../wire';
import { atMost, messageNumber } from './arguments';
import { TRANSACTION, type Pop3Command } from './types';

export const uidl: Pop3Command = {
  states: TRANSACTION,
  async run(session, command) {
    const maildrop = session.maildrop;
    if (!maildrop || !(await atMost(session, command, 1))) return;
    if (command.args.length === 1) {
      const number = await messageNumber(session, command);
      if (number !== undefined) session.reply(ok(`${number} ${maildrop.uniqueId(number)}`));
      return;
    }
    const lines = maildrop.live().map((number) => `${number} ${maildrop.uniqueId(number)}`);
    session.replyLines(ok('Unique-ID listing follows'), lines);
  },
};
