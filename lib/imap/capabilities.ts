// CAPABILITY is computed, never a fixed string: from the session's state
// (login mechanisms before login, STARTTLS only while it can be used) and
// from the command table (an extension is listed only when the commands that
// implement it are there).
import { plaintextAllowed, saslMechanisms } from '../auth';
import type { Session } from './session';

/** Extensions and the commands each needs; listed in UW's order, then the modern ones. */
const EXTENSIONS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['LITERAL+', []],
  ['SASL-IR', ['AUTHENTICATE']],
  ['IDLE', ['IDLE']],
  ['UIDPLUS', ['UID EXPUNGE', 'APPEND', 'COPY']],
  ['NAMESPACE', ['NAMESPACE']],
  ['CHILDREN', ['LIST']],
  ['UNSELECT', ['UNSELECT']],
  ['ESEARCH', ['SEARCH']],
  ['WITHIN', ['SEARCH']],
  ['SORT', ['SORT']],
  ['THREAD=REFERENCES', ['THREAD']],
  ['THREAD=ORDEREDSUBJECT', ['THREAD']],
  ['MULTIAPPEND', ['APPEND']],
  ['BINARY', ['FETCH', 'APPEND']],
  ['I18NLEVEL=1', ['SEARCH', 'SORT']],
  ['ID', ['ID']],
  ['ENABLE', ['ENABLE']],
  ['MOVE', ['MOVE', 'UID MOVE']],
];

export function capabilities(session: Session): string[] {
  const list = ['IMAP4rev1'];
  for (const [name, needs] of EXTENSIONS) {
    if (!needs.every((command) => session.commands.has(command))) continue;
    // ID is the one extension whose whole use is a command refused before login.
    if (name === 'ID' && session.state === 'not-authenticated') continue;
    list.push(name);
  }
  if (session.state === 'not-authenticated') {
    if (session.tlsAvailable && !session.connection.secure && session.commands.has('STARTTLS')) list.push('STARTTLS');
    if (!plaintextAllowed(session.login)) list.push('LOGINDISABLED');
    for (const mechanism of saslMechanisms(session.login)) list.push(`AUTH=${mechanism}`);
  }
  return list;
}
