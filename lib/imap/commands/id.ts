// ID (RFC 2971): the client's identification is logged, ours is answered.
// The RFC's limits (30 pairs, 30-byte names, 1024-byte values) are enforced.
// Only after login: before it, the server answers nothing but what logging
// in needs (issue 4), and CAPABILITY does not offer ID there.
import { version } from '../../../package.json';
import { log } from '../../log/syslog';
import { AFTER_LOGIN, defineCommand } from '../command';
import { Encoder } from '../wire/encoder';

const MAX_PAIRS = 30;

export const idCommand = defineCommand({
  name: 'ID',
  states: AFTER_LOGIN,
  parse(d) {
    d.expectSP();
    const fields: Array<[string, string | undefined]> = [];
    if (d.peek('(')) {
      d.expectList(() => {
        const field = d.expectString();
        d.expectSP();
        const value = d.expectNstring();
        if (field.length > 30 || (value?.length ?? 0) > 1024) d.fail('ID field too long');
        fields.push([field.toString('utf8'), value?.toString('utf8')]);
      });
      if (fields.length > MAX_PAIRS) d.fail('Too many ID fields');
    } else if (d.expectAtom().toUpperCase() !== 'NIL') {
      d.fail('Expected ID list or NIL');
    }
    return fields;
  },
  async run(session, fields) {
    if (fields.length > 0) {
      const text = fields.map(([field, value]) => `${field}=${value ?? 'NIL'}`).join(', ');
      log('info', `ID ${text} host=${session.clientHost}`);
    }
    const ours: Array<[string, string]> = [['name', 'imap-uw-ts'], ['version', version], ['vendor', 'imap-uw-ts']];
    const encoder = new Encoder().raw('ID ');
    encoder.list(ours, ([field, value]) => void encoder.string(field).sp().string(value));
    session.untagged(encoder);
  },
});
