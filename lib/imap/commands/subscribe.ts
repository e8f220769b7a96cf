// SUBSCRIBE (RFC 3501 §6.3.6).
import { storeCommand } from './mailbox-command';

export const subscribeCommand = storeCommand('SUBSCRIBE', (store, name) => store.subscribe(name));
