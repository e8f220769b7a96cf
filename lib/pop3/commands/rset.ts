// RSET (RFC 1939 §5): forgets this session's deletions (and, as in UW, its
// retrievals and LAST).
import { ok } from '../wire';
import { atMost } from './arguments';
import { TRANSACTION, type Pop3Command } from './types';

export const rset: Pop3Command = {
  states: TRANSACTION,
  async run(session, command) {
    const maildrop = session.maildrop;
    if (!maildrop || !(await atMost(session, command, 0))) return;
    maildrop.reset();
    session.reply(ok(`Reset state, ${maildrop.size} messages`));
  },
};
