// LSUB (RFC 3501 §6.3.9).
import { listCommand } from './list-command';

export const lsubCommand = listCommand('LSUB', (store, reference, pattern) => store.listSubscribed(reference, pattern));
