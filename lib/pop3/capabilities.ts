// The CAPA list (RFC 2449), computed from the session: what is offered
// depends on the state, on TLS, and on the plaintext-password policy.
import type { Config } from '../config/config';
import type { Pop3Session } from './session';

/** EXPIRE's value: NEVER or a number of days; anything else is not advertised. */
export function expirePolicy(config: Config): 'NEVER' | number | undefined {
  const value = config.string('pop3-expire').trim().toUpperCase();
  if (value === 'NEVER') return 'NEVER';
  return /^\d{1,5}$/.test(value) ? Number(value) : undefined;
}

export function capabilities(session: Pop3Session): string[] {
  const lines = ['TOP', 'UIDL'];
  if (session.state === 'authorization') {
    if (session.login.plaintextAllowed()) lines.push('USER');
    const mechanisms = session.login.mechanisms();
    if (mechanisms.length > 0) lines.push(`SASL ${mechanisms.join(' ')}`);
    if (session.tls.available && !session.connection.secure) lines.push('STLS');
  }
  lines.push('RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING');
  const expire = expirePolicy(session.config);
  if (expire !== undefined) lines.push(`EXPIRE ${expire}`);
  const delay = session.config.number('pop3-login-delay');
  if (delay > 0) lines.push(`LOGIN-DELAY ${delay}`);
  lines.push('IMPLEMENTATION imap-uw-ts ipop3d');
  return lines;
}
