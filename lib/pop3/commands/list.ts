// LIST (RFC 1939 §5): the size of one message or of every message not
// marked for deletion (CRLF form, dots not stuffed: §11).
import { ok } from '../wire';
import { atMost, messageNumber } from './arguments';
import { TRANSACTION, type Pop3Command } from './types';

export const list: Pop3Command = {
  states: TRANSACTION,
  async run(session, command) {
    const maildrop = session.maildrop;
    if (!maildrop || !(await atMost(session, command, 1))) return;
    if (command.args.length === 1) {
      const number = await messageNumber(session, command);
      if (number !== undefined) session.reply(ok(`${number} ${maildrop.octets(number)}`));
      return;
    }
    const lines: string[] = [];
    for (const number of maildrop.live()) lines.push(`${number} ${maildrop.octets(number)}`);
    session.replyLines(ok(`${lines.length} messages`), lines);
  },
};
