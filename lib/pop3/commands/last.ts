// LAST (RFC 1460, dropped from RFC 1939 but kept by UW): the highest message
// number accessed, starting from the last message already seen.
import { ok } from '../wire';
import { atMost } from './arguments';
import { TRANSACTION, type Pop3Command } from './types';

export const last: Pop3Command = {
  states: TRANSACTION,
  async run(session, command) {
    const maildrop = session.maildrop;
    if (!maildrop || !(await atMost(session, command, 0))) return;
    session.reply(ok(String(maildrop.last)));
  },
};
