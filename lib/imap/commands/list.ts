// LIST (RFC 3501 §6.3.8) with CHILDREN attributes (RFC 3348) from the store.
import { listCommand } from './list-command';

export const listMailboxesCommand = listCommand('LIST', (store, reference, pattern) => store.list(reference, pattern));
