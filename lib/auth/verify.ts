// Password checks. Every refusal looks the same to the client (unknown user,
// wrong password, expired or root account all give `undefined`), and the
// caller sleeps failureDelay() after it, as UW did.
import { resolveAccount } from './accounts';
import { crypto, sameSecret } from './lazy';
import { pamAccepts } from './pam';
import { isPlausibleUserName } from './passwd';
import { passwordEntry } from './password-file';
import type { Account, LoginContext } from './types';

const ROOT_NAMES = new Set(['root']);

export function pamServiceFor(ctx: LoginContext): string {
  return ctx.config.string(ctx.service === 'imap' ? 'pam-service-imap' : 'pam-service-pop3');
}

/**
 * Checks a plaintext password: against the UW password file when it has the
 * user, otherwise through PAM (authentication and account phases).
 */
export async function verifyPlaintext(ctx: LoginContext, user: string, password: string): Promise<Account | undefined> {
  if (!isPlausibleUserName(user) || ROOT_NAMES.has(user) || password.includes('\0')) return undefined;
  const entry = passwordEntry(ctx.config.string('password-file'), user);
  if (entry) {
    if (!sameSecret(password, entry.password)) return undefined;
    return resolveAccount(ctx.config, entry.user, { fromPasswordFile: true });
  }
  const accepted = await pamAccepts({ service: pamServiceFor(ctx), user, password, remoteHost: ctx.peer?.address ?? '' });
  return accepted ? resolveAccount(ctx.config, user, { fromPasswordFile: false }) : undefined;
}

/** CRAM-MD5 (RFC 2195): the client's digest is HMAC-MD5(password, challenge) in lower-case hex. */
export function verifyCramMd5(ctx: LoginContext, challenge: string, user: string, digest: string): Account | undefined {
  return verifyDigest(ctx, user, digest, (password) => crypto().createHmac('md5', password).update(challenge).digest('hex'));
}

/** APOP (RFC 1939): the digest is MD5(timestamp + password) in hex; password-file users only. */
export async function verifyApop(ctx: LoginContext, timestamp: string, user: string, digest: string): Promise<Account | undefined> {
  return verifyDigest(ctx, user, digest, (password) => crypto().createHash('md5').update(timestamp + password).digest('hex'));
}

function verifyDigest(ctx: LoginContext, user: string, digest: string, expected: (password: string) => string): Account | undefined {
  if (!isPlausibleUserName(user) || ROOT_NAMES.has(user)) return undefined;
  const entry = passwordEntry(ctx.config.string('password-file'), user);
  if (!entry || !sameSecret(digest.toLowerCase(), expected(entry.password))) return undefined;
  return resolveAccount(ctx.config, entry.user, { fromPasswordFile: true });
}

/** UW slept 3 seconds after a failed login to slow down guessing. */
export function failureDelay(ctx?: LoginContext): Promise<void> {
  const seconds = ctx ? ctx.config.number('login-failure-delay') : 3;
  return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}
