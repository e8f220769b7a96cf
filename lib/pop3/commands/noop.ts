// NOOP (RFC 1939 §5).
import { err, ok } from '../wire';
import { TRANSACTION, type Pop3Command } from './types';

export const noop: Pop3Command = {
  states: TRANSACTION,
  async run(session, command) {
    if (command.args.length > 0) return session.refuse(err('NOOP takes no argument'));
    session.reply(ok('No-op to you too!'));
  },
};
