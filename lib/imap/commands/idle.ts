// IDLE (RFC 2177). New mail and other sessions' changes are pushed as they
// happen: the driver's file watch wakes us at once, and a timed check every
// few seconds catches what a watch can miss (NFS, some editors' renames).
// The autologout timer keeps running, so an abandoned IDLE ends with BYE.
import { AFTER_LOGIN, ImapError, defineCommand, noArguments } from '../command';

/** Fallback check interval; RFC 2177 allows any, the issue asks for new mail within 5 s. */
const POLL_MS = 2000;

export const idleCommand = defineCommand({
  name: 'IDLE',
  states: AFTER_LOGIN,
  parse: noArguments,
  async run(session) {
    session.continuation('idling');
    await session.drain();
    let wake: (() => void) | undefined;
    const stopWatching = session.selected?.mailbox.watch(() => wake?.());
    // A stop signal ends the session at once, not at the next timed check.
    const stopListening = session.onFarewell(() => wake?.());
    const reply = session.waitForClient(session.readLine()).then((line) => ({ line }));
    try {
      for (;;) {
        let timer: NodeJS.Timeout | undefined;
        const tick = new Promise<undefined>((resolve) => {
          wake = () => resolve(undefined);
          timer = setTimeout(wake, POLL_MS);
        });
        const outcome = await Promise.race([reply, tick]);
        clearTimeout(timer);
        if (outcome) {
          if (outcome.line === undefined) return;
          if (outcome.line.trim().toUpperCase() !== 'DONE') throw new ImapError('BAD', 'Expected DONE');
          return { text: 'IDLE terminated' };
        }
        await session.sync({ allowExpunge: true });
        await session.drain();
        if (session.pendingFarewell !== undefined) return;
      }
    } finally {
      stopWatching?.();
      stopListening();
    }
  },
});
