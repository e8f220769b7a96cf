// The one place where failures become IMAP answers: storage error kinds map
// to RFC 5530 response codes, a command's own ImapError keeps its status,
// and anything unexpected is `NO [SERVERBUG]` plus a log line, after which
// the session carries on.
import { log } from '../log/syslog';
import { clientText, isMailError, type MailErrorKind } from '../mail/errors';
import { ImapError } from './command';

const CODES: Readonly<Record<MailErrorKind, string | undefined>> = {
  nonexistent: 'NONEXISTENT',
  expunged: 'EXPUNGEISSUE',
  exists: 'ALREADYEXISTS',
  'in-use': 'INUSE',
  'too-big': 'TOOBIG',
  'no-permission': 'NOPERM',
  'bad-name': 'CANNOT',
  cannot: 'CANNOT',
  // RFC 5530 has no code for writing to a mailbox selected with EXAMINE (or opened read-only).
  'read-only': undefined,
  'over-quota': 'OVERQUOTA',
  temporary: 'UNAVAILABLE',
  corrupt: 'CORRUPTION',
};

export interface Refusal {
  readonly status: 'NO' | 'BAD';
  readonly code: string | undefined;
  readonly text: string;
}

export function refusalFor(error: unknown, commandName: string): Refusal {
  if (error instanceof ImapError) return { status: error.status, code: error.code, text: error.message };
  if (isMailError(error)) return { status: 'NO', code: CODES[error.kind], text: clientText(error) };
  const detail = error instanceof Error ? `${error.message} ${error.stack?.split('\n')[1]?.trim() ?? ''}` : String(error);
  log('err', `${commandName} failed unexpectedly: ${detail}`);
  return { status: 'NO', code: 'SERVERBUG', text: `${commandName} failed: internal error` };
}
