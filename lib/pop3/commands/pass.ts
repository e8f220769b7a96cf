// PASS (RFC 1939 §7): the password for the name given by USER. The whole
// rest of the line is the password, spaces included.
import { err } from '../wire';
import { AUTHORIZATION, type Pop3Command } from './types';
import { plaintextRefusal } from './plaintext';

export const pass: Pop3Command = {
  states: AUTHORIZATION,
  async run(session, command) {
    const user = session.pendingUser;
    session.pendingUser = undefined;
    if (!session.login.plaintextAllowed()) return session.reply(plaintextRefusal(session));
    if (user === undefined) return session.refuse(err('Send USER before PASS'));
    if (command.argument === '') return session.refuse(err('PASS needs a password'));
    const account = await session.login.verifyPlaintext(user, command.argument);
    if (account) await session.loginSucceeded(account, 'Login');
    else await session.loginFailed(user, 'USER');
  },
};
