// The APOP timestamp of the POP3 greeting (RFC 1939 §7), in UW's
// <pid.time@host> form. APOP needs the clear password, so it exists only
// where the UW password file can be read.
import { hostname } from 'node:os';
import { passwordFileReadable } from './password-file';
import type { LoginContext } from './types';

export function apopTimestamp(ctx: LoginContext): string | undefined {
  if (!passwordFileReadable(ctx.config.string('password-file'))) return undefined;
  return `<${process.pid.toString(16)}.${Math.floor(Date.now() / 1000).toString(16)}@${hostname()}>`;
}
