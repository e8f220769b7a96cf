// ENABLE (RFC 5161). None of the extensions that need enabling (CONDSTORE,
// QRESYNC, UTF8=ACCEPT) is implemented, so the answer is always an empty
// ENABLED: a client must not assume anything that was not listed.
import { defineCommand } from '../command';

export const enableCommand = defineCommand({
  name: 'ENABLE',
  states: ['authenticated'],
  parse(d) {
    do {
      d.expectSP();
      d.expectAtom();
    } while (!d.failed && d.peek(' '));
  },
  async run(session) {
    session.untagged('ENABLED');
  },
});
