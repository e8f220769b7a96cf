// APOP (RFC 1939 §7): MD5 of the greeting's timestamp and the password from
// the UW password file. Offered only when the greeting carried a timestamp.
import { err } from '../wire';
import { AUTHORIZATION, type Pop3Command } from './types';

export const apop: Pop3Command = {
  states: AUTHORIZATION,
  async run(session, command) {
    session.pendingUser = undefined;
    const timestamp = session.apopTimestamp;
    if (timestamp === undefined) return session.reply(err('APOP is not available on this server'));
    const [name, digest] = command.args;
    if (name === undefined || digest === undefined || command.args.length > 2) {
      return session.refuse(err('APOP needs a user name and a digest'));
    }
    if (!/^[0-9a-fA-F]{32}$/.test(digest)) return session.refuse(err('APOP digest must be 32 hexadecimal digits'));
    const account = await session.login.verifyApop(timestamp, name, digest);
    if (account) await session.loginSucceeded(account, 'APOP');
    else await session.loginFailed(name, 'APOP');
  },
};
