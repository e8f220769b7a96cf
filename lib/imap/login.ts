// What LOGIN, AUTHENTICATE and PREAUTH share: becoming the user and opening
// their store (in that order: no mailbox is touched as root), the log lines,
// and the answer to a failure — always the same words, a pause, and the end
// of the session after three, as UW.
import { becomeUser, failureDelay, nologinText, type Account } from '../auth';
import { authenticatedLine, loginFailedLine, loginLine, preauthenticatedLine, writeLine } from '../log/lines';
import { ImapError } from './command';
import type { Session } from './session';

const MAX_LOGIN_FAILURES = 3;

export type LoginMethod = { readonly kind: 'login' } | { readonly kind: 'authenticate'; readonly mechanism: string } | { readonly kind: 'preauth' };

/** Switches to the account and enters the authenticated state. */
export async function completeLogin(session: Session, account: Account, method: LoginMethod): Promise<void> {
  const nologin = method.kind === 'preauth' ? undefined : nologinText(session.login);
  if (nologin !== undefined) {
    session.endAfterCommand('Logins are disabled');
    throw new ImapError('NO', nologin, 'UNAVAILABLE');
  }
  try {
    becomeUser(account);
    session.authenticated(await session.openStore(account));
  } catch (error) {
    // The identity may already be switched: this process can serve no one else.
    session.endAfterCommand('Unable to open your mail');
    throw error;
  }
  const host = session.clientHost;
  if (method.kind === 'login') writeLine(loginLine(account.name, host));
  else if (method.kind === 'authenticate') writeLine(authenticatedLine(account.name, host, method.mechanism));
  else writeLine(preauthenticatedLine(account.name, host));
}

/** Logs and answers a failed login; the caller throws what this returns. */
export async function loginRefused(session: Session, user: string, authUser?: string): Promise<ImapError> {
  session.loginFailures += 1;
  const excessive = session.loginFailures >= MAX_LOGIN_FAILURES;
  writeLine(loginFailedLine(user, authUser, session.clientHost, excessive ? 'excessive login failures' : 'failed'));
  await failureDelay(session.login);
  if (excessive) session.endAfterCommand('Too many login failures');
  return new ImapError('NO', 'Authentication failed', 'AUTHENTICATIONFAILED');
}
