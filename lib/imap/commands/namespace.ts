// NAMESPACE (RFC 2342): personal names from the mail area, other users
// under "~" when outside names are allowed, no shared namespace.
import type { Namespace } from '../../mail/types';
import { AFTER_LOGIN, defineCommand, noArguments } from '../command';
import { Encoder } from '../wire/encoder';

function namespaceList(encoder: Encoder, namespace: Namespace | undefined): void {
  if (!namespace) {
    encoder.raw('NIL');
    return;
  }
  encoder.raw('((').string(namespace.prefix).sp().string(namespace.delimiter).raw('))');
}

export const namespaceCommand = defineCommand({
  name: 'NAMESPACE',
  states: AFTER_LOGIN,
  parse: noArguments,
  async run(session) {
    const encoder = new Encoder().raw('NAMESPACE ');
    namespaceList(encoder, session.store.personalNamespace);
    encoder.sp();
    namespaceList(encoder, session.store.otherNamespace);
    session.untagged(encoder.raw(' NIL'));
  },
});
