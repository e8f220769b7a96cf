// CAPA (RFC 2449 §5): valid in every state.
import { capabilities } from '../capabilities';
import { err, ok } from '../wire';
import { ANY_STATE, type Pop3Command } from './types';

export const capa: Pop3Command = {
  states: ANY_STATE,
  async run(session, command) {
    if (command.args.length > 0) return session.refuse(err('CAPA takes no argument'));
    session.replyLines(ok('Capability list follows'), capabilities(session));
  },
};
