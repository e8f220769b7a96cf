// STAT (RFC 1939 §5): messages not marked for deletion and their total size
// (CRLF form, dots not stuffed: §11).
import { ok } from '../wire';
import { atMost } from './arguments';
import { TRANSACTION, type Pop3Command } from './types';

export const stat: Pop3Command = {
  states: TRANSACTION,
  async run(session, command) {
    const maildrop = session.maildrop;
    if (!maildrop || !(await atMost(session, command, 0))) return;
    const live = maildrop.live();
    let octets = 0;
    for (const number of live) octets += maildrop.octets(number);
    session.reply(ok(`${live.length} ${octets}`));
  },
};
