// TOP (RFC 1939 §7): the header and the first n body lines. The message is
// not marked seen.
import { err, ok, parseNumber, printable } from '../wire';
import { atMost, messageNumber } from './arguments';
import { TRANSACTION, type Pop3Command } from './types';

export const top: Pop3Command = {
  states: TRANSACTION,
  async run(session, command) {
    const maildrop = session.maildrop;
    if (!maildrop || !(await atMost(session, command, 2))) return;
    const countText = command.args[1];
    if (command.args.length === 1) return session.refuse(err('TOP needs a message number and a line count'));
    const lines = parseNumber(countText);
    const number = await messageNumber(session, command);
    if (number === undefined) return;
    if (lines === undefined) return session.refuse(err(`Invalid line count: ${printable(countText ?? '', 40)}`));
    await session.replyMessage(ok('Top of message follows'), await maildrop.top(number, lines));
  },
};
