// QUIT (RFC 1939 §4 and §6). In TRANSACTION it enters the UPDATE state: only
// now are the session's deletions applied and retrieved messages marked seen.
import { expirePolicy } from '../capabilities';
import { errorResponse } from '../errors';
import { ok } from '../wire';
import { logoutLine, pop3UpdateLine } from '../../log/lines';
import { log } from '../../log/syslog';
import { ANY_STATE, type Pop3Command } from './types';

export const quit: Pop3Command = {
  states: ANY_STATE,
  async run(session) {
    const maildrop = session.maildrop;
    if (session.state === 'authorization' || !maildrop) {
      session.reply(ok('Sayonara'));
      await session.end(logoutLine(session.userName, session.clientHost));
      return;
    }
    session.state = 'update';
    session.maildrop = undefined;
    const user = session.userName ?? '???';
    try {
      const result = await maildrop.commit({ expireRetrieved: expirePolicy(session.config) === 0 });
      session.reply(ok(`Sayonara (${result.deleted} deleted, ${result.kept} kept)`));
      await session.end(pop3UpdateLine(user, session.clientHost, result.kept, result.deleted, result.seen));
    } catch (error) {
      log('err', `update failed user=${user}: ${String(error)}`);
      session.reply(errorResponse(error, 'Some deleted messages were not removed'));
      await maildrop.release().catch(() => undefined);
      await session.end(logoutLine(user, session.clientHost));
    }
  },
};
