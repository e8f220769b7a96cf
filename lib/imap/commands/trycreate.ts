// APPEND, COPY and MOVE to a mailbox that does not exist answer
// `NO [TRYCREATE]` (RFC 3501 §6.3.11, §6.4.7), so clients offer to create it.
import { clientText, isMailError } from '../../mail/errors';
import { ImapError } from '../command';

export async function withTryCreate<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (isMailError(error) && error.kind === 'nonexistent') throw new ImapError('NO', clientText(error), 'TRYCREATE');
    throw error;
  }
}
