// DELETE (RFC 3501 §6.3.4). INBOX and folders that still hold folders are
// refused by the store with CANNOT.
import { storeCommand } from './mailbox-command';

export const deleteCommand = storeCommand('DELETE', (store, name) => store.delete(name));
