// STLS (RFC 2595 §4): TLS before login. Whatever the client sent after the
// command is dropped before the handshake, so commands injected in clear
// cannot take effect inside the TLS session (CVE-2011-0411 class).
import { sessionEndLine } from '../../log/lines';
import { err, ok } from '../wire';
import { AUTHORIZATION, type Pop3Command } from './types';

export const stls: Pop3Command = {
  states: AUTHORIZATION,
  async run(session, command) {
    if (command.args.length > 0) return session.refuse(err('STLS takes no argument'));
    if (session.connection.secure) return session.reply(err('Already using TLS'));
    if (!session.tls.available) return session.reply(err('STLS is not available: no certificate installed'));
    if (!session.tls.prepare()) return session.reply(err('STLS is not available: the certificate cannot be used', 'SYS/TEMP'));
    session.pendingUser = undefined;
    session.input.discardBuffered();
    session.reply(ok('Begin TLS negotiation'));
    try {
      await session.tls.start();
    } catch (error) {
      await session.abandon(sessionEndLine(`TLS handshake failed (${(error as Error).message})`, undefined, session.clientHost));
    }
  },
};
