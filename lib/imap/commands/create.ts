// CREATE (RFC 3501 §6.3.3): a trailing "/" asks for a folder that holds folders.
import { storeCommand } from './mailbox-command';

export const createCommand = storeCommand('CREATE', (store, name) => store.create(name));
