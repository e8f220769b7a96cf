// The shape of commands that take one mailbox name after login (CREATE,
// DELETE, SUBSCRIBE, UNSUBSCRIBE, SELECT, EXAMINE): parse the name, act.
import type { MailStore } from '../../mail/types';
import { AFTER_LOGIN, defineCommand, type Command, type Completion } from '../command';
import type { Session } from '../session';

export function mailboxCommand(name: string, action: (session: Session, mailbox: string) => Promise<Completion | void>): Command {
  return defineCommand({
    name,
    states: AFTER_LOGIN,
    parse(d) {
      d.expectSP();
      return d.expectMailbox();
    },
    run: action,
  });
}

/** A mailbox command that is one call on the user's store. */
export function storeCommand(name: string, action: (store: MailStore, mailbox: string) => Promise<void>): Command {
  return mailboxCommand(name, (session, mailbox) => action(session.store, mailbox));
}
