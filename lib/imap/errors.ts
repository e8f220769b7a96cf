// The one place where failures become IMAP answers: storage error kinds map
// to RFC 5530 response codes, a command's own ImapError keeps its status,
// and anything unexpected is `NO [SERVERBUG]` plus a log line, after which
// the session carries on.
import { log } from '../log/syslog';
import { isMailError, type MailError, type MailErrorKind } from '../mail/errors';
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

/**
 * What the client is told when the file system refused: the system error's
 * text names paths on the server (the home directory, temporary files) and
 * is for the log, not the wire.
 */
const SYSTEM_TEXTS: Readonly<Record<MailErrorKind, string>> = {
  nonexistent: 'Mailbox does not exist',
  expunged: 'Message was expunged',
  exists: 'Mailbox already exists',
  'in-use': 'Mailbox is in use by another session',
  'too-big': 'Too large',
  'no-permission': 'Permission denied',
  'bad-name': 'Invalid mailbox name',
  cannot: 'Not possible for this mailbox',
  'read-only': 'Mailbox is read-only',
  'over-quota': 'Disk full or over quota',
  temporary: 'Mailbox temporarily unavailable; try again later',
  corrupt: 'Mailbox file is damaged',
};

/** A storage error's text as the client may see it. */
export function mailErrorText(error: MailError): string {
  const cause = error.cause as { code?: unknown } | undefined;
  return typeof cause?.code === 'string' ? SYSTEM_TEXTS[error.kind] : error.message;
}

export function refusalFor(error: unknown, commandName: string): Refusal {
  if (error instanceof ImapError) return { status: error.status, code: error.code, text: error.message };
  if (isMailError(error)) return { status: 'NO', code: CODES[error.kind], text: mailErrorText(error) };
  const detail = error instanceof Error ? `${error.message} ${error.stack?.split('\n')[1]?.trim() ?? ''}` : String(error);
  log('err', `${commandName} failed unexpectedly: ${detail}`);
  return { status: 'NO', code: 'SERVERBUG', text: `${commandName} failed: internal error` };
}
