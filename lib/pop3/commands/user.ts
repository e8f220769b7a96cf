// USER (RFC 1939 §7), half of a plaintext login; refused where plaintext
// passwords are (no TLS, and the client is not allowed to send them in clear).
import { err, ok } from '../wire';
import { AUTHORIZATION, type Pop3Command } from './types';
import { plaintextRefusal } from './plaintext';

export const user: Pop3Command = {
  states: AUTHORIZATION,
  async run(session, command) {
    session.pendingUser = undefined;
    if (!session.login.plaintextAllowed()) return session.reply(plaintextRefusal(session));
    const name = command.argument.trim();
    if (name === '') return session.refuse(err('USER needs a user name'));
    if (/\s/.test(name)) return session.refuse(err('USER takes one argument, the user name'));
    session.pendingUser = name;
    session.reply(ok('User name accepted, password please'));
  },
};
