// The shape shared by LIST and LSUB (RFC 3501 §6.3.8-9): reference and
// pattern in, one `* LIST`/`* LSUB` line per entry out. An empty pattern
// asks only for the hierarchy delimiter and the root of the reference.
import type { ListEntry, MailStore } from '../../mail/types';
import { AFTER_LOGIN, defineCommand, type Command } from '../command';
import { Encoder } from '../wire/encoder';

function entryLine(kind: string, delimiter: string, entry: ListEntry): Encoder {
  return new Encoder().raw(`${kind} `).atomList(entry.attributes).sp().string(delimiter).sp().mailbox(entry.name);
}

export function listCommand(name: 'LIST' | 'LSUB', list: (store: MailStore, reference: string, pattern: string) => Promise<ListEntry[]>): Command {
  return defineCommand({
    name,
    states: AFTER_LOGIN,
    parse(d) {
      d.expectSP();
      const reference = d.expectMailbox();
      d.expectSP();
      const pattern = d.expectListMailbox();
      return { reference, pattern };
    },
    async run(session, { reference, pattern }) {
      const store = session.store;
      const delimiter = store.personalNamespace.delimiter;
      if (pattern === '') {
        const cut = reference.indexOf(delimiter);
        const root = cut < 0 ? '' : reference.slice(0, cut + 1);
        session.untagged(entryLine(name, delimiter, { name: root, attributes: ['\\Noselect'] }));
        return;
      }
      for (const entry of await list(store, reference, pattern)) session.untagged(entryLine(name, delimiter, entry));
    },
  });
}
