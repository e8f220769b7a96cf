// CAPABILITY (RFC 3501 §6.1.1): the list depends on the session's state.
import { ANY_STATE, defineCommand, noArguments } from '../command';
import { capabilities } from '../capabilities';

export const capabilityCommand = defineCommand({
  name: 'CAPABILITY',
  states: ANY_STATE,
  parse: noArguments,
  async run(session) {
    session.untagged(`CAPABILITY ${capabilities(session).join(' ')}`);
  },
});
