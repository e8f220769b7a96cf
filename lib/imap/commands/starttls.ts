// STARTTLS (RFC 3501 §6.2.1). Anything the client pipelined after the
// command is thrown away before the handshake, so it cannot be taken as
// having come over TLS (CVE-2011-0411).
import { log } from '../../log/syslog';
import { loadTlsContext } from '../../net/tls';
import { BEFORE_LOGIN, ImapError, defineCommand, noArguments } from '../command';

export const starttlsCommand = defineCommand({
  name: 'STARTTLS',
  states: BEFORE_LOGIN,
  parse: noArguments,
  async run(session) {
    if (session.connection.secure) throw new ImapError('BAD', 'Already using TLS');
    const context = session.tlsAvailable ? loadTlsContext('imapd', session.config) : undefined;
    if (!context) throw new ImapError('BAD', 'TLS is not available on this server');
    return {
      text: 'Begin TLS negotiation now',
      after: async () => {
        session.input.discardBuffered();
        try {
          await session.connection.startTls(context);
        } catch (error) {
          log('notice', `STARTTLS handshake failed host=${session.clientHost}: ${error instanceof Error ? error.message : String(error)}`);
          session.endAfterCommand('');
        }
      },
    };
  },
});
