// Storage errors carry a kind; each protocol maps kinds to its own response
// codes in one place (IMAP: RFC 5530 codes, POP3: RFC 2449/3206 codes).

export type MailErrorKind =
  | 'nonexistent' // no such mailbox
  | 'expunged' // the message was expunged by another session or program
  | 'exists' // target already exists
  | 'in-use' // locked by another process
  | 'too-big' // message or literal over a limit
  | 'no-permission' // file system refused
  | 'bad-name' // hostile or invalid mailbox name
  | 'cannot' // operation not possible on this mailbox (e.g. delete INBOX)
  | 'read-only' // mailbox opened read-only
  | 'over-quota' // disk full or quota
  | 'temporary' // try again later (lock timeout, transient I/O)
  | 'corrupt'; // the file is not a valid mailbox

export class MailError extends Error {
  constructor(
    readonly kind: MailErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MailError';
  }
}

export function isMailError(error: unknown): error is MailError {
  return error instanceof MailError;
}

/**
 * What a client is told: a failure the file system reported carries its
 * errno text, which names paths on the server (the home directory, temporary
 * files) and belongs in the log, not on the wire.
 */
const CLIENT_TEXTS: Readonly<Record<MailErrorKind, string>> = {
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

export function clientText(error: MailError): string {
  const cause = error.cause as { code?: unknown } | undefined;
  return typeof cause?.code === 'string' ? CLIENT_TEXTS[error.kind] : error.message;
}
