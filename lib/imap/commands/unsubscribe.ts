// UNSUBSCRIBE (RFC 3501 §6.3.7): works for names that no longer exist, too.
import { storeCommand } from './mailbox-command';

export const unsubscribeCommand = storeCommand('UNSUBSCRIBE', (store, name) => store.unsubscribe(name));
