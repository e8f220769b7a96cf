// The real login layer, mail store and TLS behind the POP engines' ports.
import {
  apopTimestamp,
  becomeUser,
  failureDelay,
  loginContext,
  nologinText,
  plaintextAllowed,
  saslMechanisms,
  startSasl,
  verifyApop,
  verifyPlaintext,
} from '../auth';
import type { SecureContext } from 'node:tls';
import { openMailStore } from '../mail/store';
import { loadTlsContext, tlsAvailable } from '../net/tls';
import type { ServerContext } from '../server/bootstrap';
import type { LoginPort, TlsPort } from './login';
import { claimLogin } from './login-delay';

export function systemLogin(server: ServerContext): LoginPort {
  const ctx = loginContext('pop3', server.config, server.connection);
  return {
    plaintextAllowed: () => plaintextAllowed(ctx),
    mechanisms: () => saslMechanisms(ctx),
    startSasl: (mechanism) => startSasl(ctx, mechanism),
    verifyPlaintext: (user, password) => verifyPlaintext(ctx, user, password),
    apopTimestamp: () => apopTimestamp(ctx),
    verifyApop: (timestamp, user, digest) => verifyApop(ctx, timestamp, user, digest),
    failureDelay: () => failureDelay(ctx),
    nologinText: () => nologinText(ctx),
    async enter(account) {
      becomeUser(account);
      return openMailStore(account, server.config);
    },
    loginDelay: (account) => claimLogin(account.home, account.name, server.config.number('pop3-login-delay')),
  };
}

/** STLS for ipop3d; ipop2d has no STARTTLS (implicit TLS only, in bootstrap). */
export function systemTls(server: ServerContext): TlsPort {
  let context: SecureContext | undefined;
  return {
    available: tlsAvailable(server.program, server.config),
    prepare() {
      context = loadTlsContext(server.program, server.config);
      return context !== undefined;
    },
    async start() {
      if (!context) throw new Error('no usable certificate');
      await server.connection.startTls(context);
    },
  };
}
