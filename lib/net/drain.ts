// Waiting for the client to take what we wrote, for no longer than a client
// may stay idle. One that never reads (or vanished without a FIN) would
// otherwise hold its session, and its mailbox lock, for ever.
import type { Connection } from './connection';

/** True once the output buffer has room again; false when the client took nothing for `seconds`. */
export async function drainWithin(connection: Connection, seconds: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), seconds * 1000);
  });
  try {
    return await Promise.race([connection.drain().then(() => true), stalled]);
  } finally {
    clearTimeout(timer);
  }
}
