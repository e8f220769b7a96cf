// Which ways of logging in a connection is offered. Plaintext passwords
// (LOGIN, USER/PASS, AUTH PLAIN/LOGIN, POP2 HELO) are refused on connections
// without TLS unless the administrator allows them; pipes (an ssh tunnel)
// count as protected.
import { readFileSync } from 'node:fs';
import { passwordFileReadable } from './password-file';
import { isPlaintextHost } from './plaintext-hosts';
import type { LoginContext } from './types';

export function plaintextAllowed(ctx: LoginContext): boolean {
  if (ctx.secure || ctx.peer === undefined) return true;
  if (!ctx.config.boolean('disable-plaintext')) return true;
  return isPlaintextHost(ctx.config, ctx.peer);
}

/** SASL mechanisms to advertise, in order of preference. */
export function saslMechanisms(ctx: LoginContext): string[] {
  const mechanisms: string[] = [];
  if (passwordFileReadable(ctx.config.string('password-file'))) mechanisms.push('CRAM-MD5');
  if (plaintextAllowed(ctx)) mechanisms.push('PLAIN', 'LOGIN');
  return mechanisms;
}

/** The text of the nologin file when it exists: logins are then refused with it. */
export function nologinText(ctx: LoginContext): string | undefined {
  const path = ctx.config.string('nologin-file');
  if (path === '') return undefined;
  try {
    const text = readFileSync(path, 'utf8').replace(/\s+/g, ' ').trim();
    return text === '' ? 'Logins are disabled' : text;
  } catch {
    return undefined;
  }
}
