// Storage errors mapped once to POP3 answers with RFC 2449/3206 codes.
import { clientText, isMailError, type MailErrorKind } from '../mail/errors';
import { err, type ResponseCode } from './wire';

const CODES: Record<MailErrorKind, ResponseCode> = {
  'in-use': 'IN-USE',
  temporary: 'SYS/TEMP',
  'over-quota': 'SYS/TEMP',
  nonexistent: 'SYS/PERM',
  expunged: 'SYS/TEMP',
  exists: 'SYS/PERM',
  'too-big': 'SYS/PERM',
  'no-permission': 'SYS/PERM',
  'bad-name': 'SYS/PERM',
  cannot: 'SYS/PERM',
  'read-only': 'SYS/PERM',
  corrupt: 'SYS/PERM',
};

const TEXTS: Partial<Record<MailErrorKind, string>> = {
  'in-use': 'Mailbox is in use by another session; try again later',
  temporary: 'Mailbox temporarily unavailable; try again later',
  'over-quota': 'Mailbox is over quota or the disk is full; try again later',
  'no-permission': 'Permission denied for the mailbox',
  corrupt: 'Mailbox file is damaged; ask the administrator',
};

/** The -ERR line for a failure; unexpected errors are temporary server faults. */
export function errorResponse(error: unknown, context: string): string {
  if (isMailError(error)) return err(`${context}: ${TEXTS[error.kind] ?? clientText(error)}`, CODES[error.kind]);
  return err(`${context}: server error`, 'SYS/TEMP');
}

/** Whether the failure deserves a log line (it is not the user's doing). */
export function isServerFault(error: unknown): boolean {
  return !isMailError(error) || !['in-use', 'over-quota'].includes(error.kind);
}
